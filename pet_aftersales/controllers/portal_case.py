from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .portal_input import AftersalesPortalMixin, PortalFormError, portal_text
from .portal_upload import AftersalesUploadMixin


def portal_accept_solution(case_sudo, author):
    """The customer accepts the proposed solution of ``case_sudo``, once.

    The case row is locked first, so that two clicks at once are served one
    after the other: the second finds the solution accepted (after a retry
    of its transaction) and changes nothing, instead of subscribing the
    customer a second time.

    :return: whether this call accepted the solution
    """
    env = case_sudo.env
    env.cr.execute(
        SQL(
            "SELECT id FROM aftersales_case WHERE id = %s FOR NO KEY UPDATE",
            case_sudo.id,
        )
    )
    case_sudo.invalidate_recordset()
    if (
        not case_sudo.active
        or case_sudo.is_closed
        or case_sudo.solution == "none"
        or case_sudo.solution_confirmed_date
    ):
        return False
    case_sudo.action_confirm_solution()
    label = dict(case_sudo._fields["solution"]._description_selection(env))[
        case_sudo.solution
    ]
    case_sudo.message_post(
        body=env._("I accept the proposed solution: %(solution)s.", solution=label),
        author_id=author.id,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    return True


class AftersalesCasePortal(
    AftersalesPortalMixin, AftersalesUploadMixin, CustomerPortal
):
    # ------------------------------------------------------------
    # HOME COUNTER
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_case_count" in counters:
            Case = request.env["aftersales.case"]
            values["aftersales_case_count"] = (
                Case.search_count(self._aftersales_case_domain())
                if Case.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------
    # CASES
    # ------------------------------------------------------------

    def _aftersales_case_searchbar(self):
        env = request.env
        sortings = {
            "date": {"label": env._("Newest"), "order": "create_date desc, id desc"},
            "reference": {"label": env._("Reference"), "order": "reference desc"},
            "name": {"label": env._("Subject"), "order": "name, id"},
            "stage": {"label": env._("Status"), "order": "stage_id, id desc"},
        }
        filters = {
            "all": {"label": env._("All"), "domain": []},
            "open": {"label": env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": env._("Closed"), "domain": [("is_closed", "=", True)]},
        }
        inputs = {
            "all": {"input": "all", "label": env._("Search in All")},
            "reference": {"input": "reference", "label": env._("Search in Reference")},
            "name": {"input": "name", "label": env._("Search in Subject")},
        }
        return sortings, filters, inputs

    def _aftersales_case_search_domain(self, search_in, search):
        if not search:
            return []
        if search_in == "reference":
            return [("reference", "ilike", search)]
        if search_in == "name":
            return [("name", "ilike", search)]
        return ["|", ("reference", "ilike", search), ("name", "ilike", search)]

    @http.route(
        ["/my/cases", "/my/cases/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_cases(
        self, page=1, sortby=None, filterby=None, search=None, search_in="all", **kw
    ):
        values = self._prepare_portal_layout_values()
        Case = request.env["aftersales.case"]
        sortings, filters, inputs = self._aftersales_case_searchbar()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        domain = expression.AND(
            [
                self._aftersales_case_domain(),
                filters[filterby]["domain"],
                self._aftersales_case_search_domain(search_in, search),
            ]
        )
        count = Case.search_count(domain) if Case.has_access("read") else 0
        pager = portal_pager(
            url="/my/cases",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            },
            total=count,
            page=page,
            step=self._items_per_page,
        )
        cases = (
            Case.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Case
        )
        request.session["my_cases_history"] = cases.ids[:100]
        values.update(
            {
                "cases": cases,
                "page_name": "aftersales_case",
                "default_url": "/my/cases",
                "pager": pager,
                "searchbar_sortings": sortings,
                "searchbar_filters": filters,
                "searchbar_inputs": inputs,
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            }
        )
        return request.render("pet_aftersales.portal_my_cases", values)

    @http.route(
        ["/my/cases/<int:case_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def portal_my_case(self, case_id, access_token=None, **kw):
        try:
            case_sudo = self._aftersales_document(
                "aftersales.case", case_id, access_token
            )
        except (AccessError, MissingError):
            return self._aftersales_refused()
        values = {
            "page_name": "aftersales_case",
            "case": case_sudo,
            "attachments": self._aftersales_customer_attachments(case_sudo),
            "created": kw.get("created"),
            "accepted": kw.get("accepted"),
            "solution_label": dict(
                case_sudo._fields["solution"]._description_selection(request.env)
            ).get(case_sudo.solution),
        }
        values = self._get_page_view_values(
            case_sudo, access_token, values, "my_cases_history", False, **kw
        )
        return request.render("pet_aftersales.portal_my_case", values)

    @http.route(
        ["/my/cases/<int:case_id>/accept"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_case_accept_solution(self, case_id, access_token=None, **kw):
        """The customer accepts the solution we proposed (客户确认)."""
        try:
            case_sudo = self._aftersales_document(
                "aftersales.case", case_id, access_token
            )
        except (AccessError, MissingError):
            return self._aftersales_refused(f"/my/cases/{case_id}")
        url = f"/my/cases/{case_sudo.id}"
        if access_token:
            url += f"?access_token={access_token}"
        if not portal_accept_solution(case_sudo, case_sudo.partner_id):
            # nothing to accept (any more): a second click changes nothing
            return request.redirect(url)
        return request.redirect(url + ("&" if access_token else "?") + "accepted=1")

    def _aftersales_case_form_options(self):
        """What the new-case form offers: only the customer's own records."""
        env = request.env
        commercial = self._aftersales_commercial_partner()
        # Searched as the customer (record rules apply), then read with sudo:
        # portal users may not read product.product themselves.
        orders_sudo = (
            env["sale.order"]
            .search(
                [
                    ("partner_id", "child_of", commercial.ids),
                    ("state", "=", "sale"),
                ],
                order="date_order desc, id desc",
                limit=100,
            )
            .sudo()
        )
        order_lines = orders_sudo.order_line.filtered(
            lambda line: not line.display_type and line.product_id
        )
        delivered_lots = order_lines._aftersales_delivered_lots()
        return {
            "categories": env["aftersales.category"].search([]),
            "lots": env["stock.lot"]
            .sudo()
            .union(*delivered_lots.values())
            .sorted("name"),
            "orders": orders_sudo,
            "order_lines": order_lines,
            "products": order_lines.product_id,
            "pets": env["pet.profile"]
            .search(self._aftersales_pet_domain())
            ._aftersales_is_alive(),
        }

    def _aftersales_case_render_form(self, options, post=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(options)
        values.update(
            {
                "page_name": "aftersales_case_new",
                "post": post or {},
                "error": error,
                "upload_max_mb": self._aftersales_upload_limit(request.env.company)
                // (1024 * 1024),
            }
        )
        return request.render(
            "pet_aftersales.portal_case_new",
            values,
            status=400 if error else 200,
        )

    @http.route(
        "/my/cases/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_case_new(self, **kw):
        options = self._aftersales_case_form_options()
        preset = {}
        for key in ("sale_order_id", "product_id", "pet_id", "category_id"):
            if kw.get(key, "").isdigit():
                preset[key] = int(kw[key])
        return self._aftersales_case_render_form(options, post=preset)

    def _aftersales_case_prepare_vals(self, options, post):
        """Whitelisted, checked values of a case opened on the portal.

        Anything the form does not offer (team, stage, owner, priority,
        company...) is not read; ids must be among the customer's records."""
        env = request.env
        name = portal_text(post, "name", "case_name", env._("The subject"))
        if not name:
            raise PortalFormError(env._("Give your request a subject."))
        category = options["categories"].filtered(
            lambda c: c.id == self._aftersales_parse_id(post.get("category_id"))
        )
        if not category:
            raise PortalFormError(env._("Choose what your request is about."))
        order = env["sale.order"]
        order_id = self._aftersales_parse_id(post.get("sale_order_id"))
        if order_id:
            order = options["orders"].filtered(lambda o: o.id == order_id)
            if not order:
                raise PortalFormError(env._("This order is not one of yours."))
        product = env["product.product"]
        product_id = self._aftersales_parse_id(post.get("product_id"))
        if product_id:
            allowed = (order.order_line if order else options["order_lines"]).product_id
            product = allowed.filtered(lambda p: p.id == product_id)
            if not product:
                raise PortalFormError(
                    env._("This product is not on the order you chose.")
                    if order
                    else env._("This product is not one you bought from us.")
                )
        pet = env["pet.profile"]
        pet_id = self._aftersales_parse_id(post.get("pet_id"))
        if pet_id:
            pet = options["pets"].filtered(lambda p: p.id == pet_id)
            if not pet:
                raise PortalFormError(env._("This pet is not one of yours."))
        if category.code == "pet_health" and not (pet and product):
            raise PortalFormError(
                env._(
                    "For a pet health problem, tell us which pet and which "
                    "product are involved."
                )
            )
        lot = env["stock.lot"]
        lot_id = self._aftersales_parse_id(post.get("lot_id"))
        if lot_id:
            # Only a lot delivered to this customer, with the product (and on
            # the order) they chose.
            lines = order.order_line if order else options["order_lines"]
            if product:
                lines = lines.filtered(lambda line: line.product_id == product)
            delivered = lines._aftersales_delivered_lots()
            lot = options["lots"].filtered(
                lambda lt: lt.id == lot_id
                and any(lt in lots for lots in delivered.values())
            )
            if not lot:
                raise PortalFormError(
                    env._("This lot was not delivered to you with this product.")
                )
            product = product or lot.product_id
        description = portal_text(
            post, "description", "case_description", env._("The description")
        )
        return {
            "name": name,
            "partner_id": request.env.user.partner_id.id,
            "channel": "portal",
            "category_id": category.id,
            "sale_order_id": order.id or False,
            "product_id": product.id or False,
            "pet_id": pet.id or False,
            "lot_id": lot.id or False,
            "description": plaintext2html(description) if description else False,
            "company_id": (order.company_id or request.env.company).id,
        }

    @http.route(
        "/my/cases/new",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_case_create(self, **post):
        options = self._aftersales_case_form_options()
        partner = request.env.user.partner_id
        try:
            vals = self._aftersales_case_prepare_vals(options, post)
            company = request.env["res.company"].browse(vals["company_id"])
            uploads = self._aftersales_read_uploads("attachments", company)
        except PortalFormError as error:
            return self._aftersales_case_render_form(options, post, str(error))
        try:
            with request.env.cr.savepoint():
                # Every value was checked against the customer's own records.
                case_sudo = request.env["aftersales.case"].sudo().create(vals)
                case_sudo.message_subscribe(partner_ids=partner.ids)
                self._aftersales_attach(case_sudo, uploads, partner)
        except (UserError, ValidationError) as error:
            return self._aftersales_case_render_form(options, post, error.args[0])
        return request.redirect(f"/my/cases/{case_sudo.id}?created=1")
