import base64
import re

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Evidence customers may upload. Checked on the file's magic bytes, never on
# its name or on the Content-Type the browser claims; HTML, SVG and every
# other type that a browser could execute are refused.
PORTAL_UPLOAD_MIMETYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/pdf",
}
PORTAL_IMAGE_MIMETYPES = PORTAL_UPLOAD_MIMETYPES - {"application/pdf"}
# At most this many files per form, each at most the company's
# ``aftersales_portal_upload_max_mb`` megabytes.
PORTAL_UPLOAD_MAX_FILES = 10
# Upload limit when the company leaves the setting empty.
PORTAL_UPLOAD_DEFAULT_MB = 10

RMA_TIMELINE_STATES = ("draft", "submitted", "approved", "received", "done")


class PortalFormError(Exception):
    """A customer's input was refused: the message is shown on the form."""


class AftersalesCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _aftersales_commercial_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _aftersales_case_domain(self):
        return [("partner_id", "child_of", self._aftersales_commercial_partner().ids)]

    def _aftersales_rma_domain(self):
        return [("partner_id", "child_of", self._aftersales_commercial_partner().ids)]

    def _aftersales_pet_domain(self):
        return [("partner_id", "child_of", self._aftersales_commercial_partner().ids)]

    def _aftersales_parse_id(self, value):
        """An id posted by a form, or 0; never raises on garbage."""
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return 0
        try:
            record_id = int(value)
        except (TypeError, ValueError) as error:
            raise PortalFormError(request.env._("Invalid value.")) from error
        if record_id <= 0:
            raise PortalFormError(request.env._("Invalid value."))
        return record_id

    def _aftersales_upload_limit(self, company):
        return (
            (company.aftersales_portal_upload_max_mb or PORTAL_UPLOAD_DEFAULT_MB)
            * 1024
            * 1024
        )

    def _aftersales_read_uploads(self, field_name, company, allowed=None):
        """Read and check the files posted in ``field_name``.

        :return: list of (file name, raw bytes, mimetype); raises
            PortalFormError if a file is too large or not an accepted type
        """
        allowed = allowed or PORTAL_UPLOAD_MIMETYPES
        files = [f for f in request.httprequest.files.getlist(field_name) if f.filename]
        if len(files) > PORTAL_UPLOAD_MAX_FILES:
            raise PortalFormError(
                request.env._(
                    "Attach at most %(count)s files.", count=PORTAL_UPLOAD_MAX_FILES
                )
            )
        limit = self._aftersales_upload_limit(company)
        uploads = []
        for upload in files:
            raw = upload.read(limit + 1)
            name = re.sub(r"[^\w.\- ]+", "_", upload.filename)[:128] or "upload"
            if len(raw) > limit:
                raise PortalFormError(
                    request.env._(
                        "%(file)s is larger than %(size)s MB.",
                        file=name,
                        size=limit // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(raw, default="application/octet-stream")
            if not raw or mimetype not in allowed:
                raise PortalFormError(
                    request.env._(
                        "%(file)s is not an accepted file: attach JPEG, PNG, "
                        "WebP or GIF photos or PDF documents.",
                        file=name,
                    )
                    if allowed == PORTAL_UPLOAD_MIMETYPES
                    else request.env._(
                        "%(file)s is not an accepted photo: use a JPEG, PNG, "
                        "WebP or GIF image.",
                        file=name,
                    )
                )
            uploads.append((name, raw, mimetype))
        return uploads

    def _aftersales_create_attachments(self, uploads):
        """Store checked uploads as pending attachments (like a composer
        upload), each with its own access token, so that the customer (and
        only whoever holds the token) can download them from the portal."""
        if not uploads:
            return request.env["ir.attachment"]
        attachments = (
            request.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": raw,
                        "mimetype": mimetype,
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                    for name, raw, mimetype in uploads
                ]
            )
        )
        attachments.generate_access_token()
        return attachments

    def _aftersales_attach(self, record_sudo, uploads, partner):
        """Post checked uploads in the chatter of ``record_sudo``: message_post
        moves the pending attachments onto the record."""
        attachments = self._aftersales_create_attachments(uploads)
        if attachments:
            record_sudo.message_post(
                body=request.env._("Evidence sent by the customer."),
                attachment_ids=attachments.ids,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return attachments

    def _aftersales_customer_attachments(self, record_sudo):
        """Attachments of the messages the customer can see: not internal
        notes, except what the customer sent themselves (evidence)."""
        messages = record_sudo.message_ids.filtered(
            lambda m: m.message_type in ("comment", "email")
            and (
                not (m.is_internal or m.subtype_id.internal)
                or m.author_id == record_sudo.partner_id
            )
        )
        # Evidence the customer uploaded with the request itself.
        own = (
            request.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record_sudo._name),
                    ("res_id", "=", record_sudo.id),
                    ("create_uid.partner_id", "=", record_sudo.partner_id.id),
                ]
            )
        )
        # Only those with their own token (given at upload, by this portal or
        # the portal chatter) are linked: a GET never writes a token.
        return (messages.attachment_ids | own).filtered("access_token")

    # ------------------------------------------------------------
    # HOME COUNTERS
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        env = request.env
        if "aftersales_case_count" in counters:
            Case = env["aftersales.case"]
            values["aftersales_case_count"] = (
                Case.search_count(self._aftersales_case_domain())
                if Case.has_access("read")
                else 0
            )
        if "aftersales_rma_count" in counters:
            Rma = env["aftersales.rma"]
            values["aftersales_rma_count"] = (
                Rma.search_count(self._aftersales_rma_domain())
                if Rma.has_access("read")
                else 0
            )
        if "pet_count" in counters:
            Pet = env["pet.profile"]
            values["pet_count"] = (
                Pet.search_count(self._aftersales_pet_domain())
                if Pet.has_access("read")
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
            case_sudo = self._document_check_access(
                "aftersales.case", case_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
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
            case_sudo = self._document_check_access(
                "aftersales.case", case_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/cases/{case_sudo.id}"
        if access_token:
            url += f"?access_token={access_token}"
        if (
            case_sudo.is_closed
            or case_sudo.solution == "none"
            or case_sudo.solution_confirmed_date
        ):
            # nothing to accept (any more): a second click changes nothing
            return request.redirect(url)
        case_sudo.action_confirm_solution()
        label = dict(case_sudo._fields["solution"]._description_selection(request.env))[
            case_sudo.solution
        ]
        case_sudo.message_post(
            body=request.env._(
                "I accept the proposed solution: %(solution)s.", solution=label
            ),
            author_id=case_sudo.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
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
        return {
            "categories": env["aftersales.category"].search([]),
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
        name = (post.get("name") or "").strip()
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
        description = (post.get("description") or "").strip()
        return {
            "name": name[:256],
            "partner_id": request.env.user.partner_id.id,
            "channel": "portal",
            "category_id": category.id,
            "sale_order_id": order.id or False,
            "product_id": product.id or False,
            "pet_id": pet.id or False,
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

    # ------------------------------------------------------------
    # RETURNS
    # ------------------------------------------------------------

    def _aftersales_rma_searchbar(self):
        env = request.env
        sortings = {
            "date": {"label": env._("Newest"), "order": "create_date desc, id desc"},
            "name": {"label": env._("Reference"), "order": "name desc"},
            "state": {"label": env._("Status"), "order": "state, id desc"},
        }
        filters = {
            "all": {"label": env._("All"), "domain": []},
            "open": {
                "label": env._("In Progress"),
                "domain": [
                    ("state", "in", ("draft", "submitted", "approved", "received"))
                ],
            },
            "closed": {
                "label": env._("Finished"),
                "domain": [("state", "in", ("done", "rejected", "cancelled"))],
            },
        }
        return sortings, filters

    @http.route(
        ["/my/returns", "/my/returns/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_returns(self, page=1, sortby=None, filterby=None, search=None, **kw):
        values = self._prepare_portal_layout_values()
        Rma = request.env["aftersales.rma"]
        sortings, filters = self._aftersales_rma_searchbar()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = expression.AND(
            [self._aftersales_rma_domain(), filters[filterby]["domain"]]
        )
        if search:
            domain = expression.AND(
                [
                    domain,
                    [
                        "|",
                        ("name", "ilike", search),
                        ("sale_order_id.name", "ilike", search),
                    ],
                ]
            )
        count = Rma.search_count(domain) if Rma.has_access("read") else 0
        pager = portal_pager(
            url="/my/returns",
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        rmas = (
            Rma.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Rma
        )
        request.session["my_returns_history"] = rmas.ids[:100]
        values.update(
            {
                "rmas": rmas,
                "page_name": "aftersales_rma",
                "default_url": "/my/returns",
                "pager": pager,
                "searchbar_sortings": sortings,
                "searchbar_filters": filters,
                "searchbar_inputs": {
                    "all": {"input": "all", "label": request.env._("Search")}
                },
                "search_in": "all",
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
            }
        )
        return request.render("pet_aftersales.portal_my_returns", values)

    def _aftersales_rma_timeline(self, rma_sudo):
        """Steps of the return with the date each was reached (from the
        chatter's tracking of the state)."""
        labels = dict(rma_sudo._fields["state"]._description_selection(request.env))
        reached = {}
        for message in rma_sudo.message_ids.sorted("id"):
            for tracking in message.sudo().tracking_value_ids:
                if tracking.field_id.name == "state":
                    reached[tracking.new_value_char] = message.date
        states = list(RMA_TIMELINE_STATES)
        if rma_sudo.state in ("rejected", "cancelled"):
            states = [s for s in states if s in ("draft", "submitted")]
            states.append(rma_sudo.state)
        current = states.index(rma_sudo.state) if rma_sudo.state in states else 0
        steps = []
        for index, state in enumerate(states):
            date = reached.get(labels[state])
            if state == "draft":
                date = rma_sudo.create_date
            steps.append(
                {
                    "state": state,
                    "label": labels[state],
                    "done": index < current,
                    "current": index == current,
                    "date": date if index <= current else False,
                }
            )
        return steps

    @http.route(
        ["/my/returns/<int:rma_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def portal_my_return(self, rma_id, access_token=None, **kw):
        try:
            rma_sudo = self._document_check_access(
                "aftersales.rma", rma_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = {
            "page_name": "aftersales_rma",
            "rma": rma_sudo,
            "timeline": self._aftersales_rma_timeline(rma_sudo),
            "attachments": self._aftersales_customer_attachments(rma_sudo),
            "created": kw.get("created"),
        }
        values = self._get_page_view_values(
            rma_sudo, access_token, values, "my_returns_history", False, **kw
        )
        return request.render("pet_aftersales.portal_my_return", values)

    def _aftersales_return_order(self, order_id):
        """The customer's own confirmed order, sudo, or raise AccessError.

        A token is never accepted here: only the logged-in owner of the order
        can ask for a return."""
        order_sudo = self._document_check_access("sale.order", order_id)
        commercial = self._aftersales_commercial_partner()
        if order_sudo.partner_id.commercial_partner_id != commercial:
            raise AccessError(request.env._("This order is not one of yours."))
        return order_sudo

    def _aftersales_return_options(self, order_sudo):
        env = request.env
        returnable = order_sudo._aftersales_returnable_quantities()
        lines = order_sudo.order_line.browse([line.id for line in returnable])
        lots = lines._aftersales_delivered_lots()
        return {
            "sale_order": order_sudo,
            "returnable": returnable,
            "lots": lots,
            "reasons": env["aftersales.return.reason"].sudo().search([]),
            "return_methods": env["aftersales.rma"]
            ._fields["return_method"]
            ._description_selection(env),
        }

    def _aftersales_return_render_form(self, options, post=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(options)
        values.update(
            {
                "page_name": "aftersales_rma_new",
                "post": post or {},
                "error": error,
                "upload_max_mb": self._aftersales_upload_limit(
                    options["sale_order"].company_id
                )
                // (1024 * 1024),
            }
        )
        return request.render(
            "pet_aftersales.portal_return_new", values, status=400 if error else 200
        )

    def _aftersales_return_parse(self, options, post):
        """Checked lines, reason and method of a return request.

        :return: (lines, reason, return_method, description) where lines is a
            list of dicts {sale_line_id, quantity, lot_id, original_packaging}
        """
        env = request.env
        returnable = options["returnable"]
        by_id = {line.id: line for line in returnable}
        all_lines = options["sale_order"].order_line
        lines = []
        for key, raw_qty in post.items():
            match = re.fullmatch(r"qty_(\d+)", key)
            if not match:
                continue
            line_id = int(match.group(1))
            if line_id not in all_lines.ids:
                raise PortalFormError(
                    env._("A product you asked to return is not on this order.")
                )
            try:
                quantity = float((raw_qty or "0").strip() or 0)
            except ValueError as error:
                raise PortalFormError(env._("Enter quantities as numbers.")) from error
            if quantity != quantity or quantity < 0:  # NaN or negative
                raise PortalFormError(env._("Quantities cannot be negative."))
            if not quantity:
                continue
            line = by_id.get(line_id)
            if not line:
                raise PortalFormError(
                    env._(
                        "%(product)s has not been delivered or is already being "
                        "returned.",
                        product=all_lines.browse(line_id).product_id.display_name,
                    )
                )
            if quantity > returnable[line]:
                max_qty = f"{returnable[line]:g}"
                raise PortalFormError(
                    env._(
                        "You can return at most %(qty)s of %(product)s.",
                        qty=max_qty,
                        product=line.product_id.display_name,
                    )
                )
            lot_id = self._aftersales_parse_id(post.get(f"lot_{line_id}"))
            if lot_id and lot_id not in options["lots"][line_id].ids:
                raise PortalFormError(
                    env._("This lot was not delivered to you with this product.")
                )
            lines.append(
                {
                    "sale_line_id": line_id,
                    "quantity": quantity,
                    "lot_id": lot_id or False,
                    "original_packaging": bool(post.get(f"packaging_{line_id}")),
                }
            )
        if not lines:
            raise PortalFormError(env._("Choose at least one product to return."))
        reason_id = self._aftersales_parse_id(post.get("reason_id"))
        reason = options["reasons"].filtered(lambda r: r.id == reason_id)
        if not reason:
            raise PortalFormError(env._("Tell us why you return these products."))
        return_method = post.get("return_method") or "ship"
        if return_method not in dict(options["return_methods"]):
            raise PortalFormError(env._("Choose how you send the products back."))
        description = (post.get("description") or "").strip()[:5000]
        return lines, reason, return_method, description

    @http.route(
        "/my/orders/<int:order_id>/return",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_return_new(self, order_id, **kw):
        try:
            order_sudo = self._aftersales_return_order(order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._aftersales_return_render_form(
            self._aftersales_return_options(order_sudo)
        )

    @http.route(
        "/my/orders/<int:order_id>/return/check",
        type="json",
        auth="user",
        methods=["POST"],
    )
    def portal_return_check(self, order_id, **post):
        """Answer at once whether the return the customer is filling in is
        within the return policy, and why. Writes nothing."""
        try:
            order_sudo = self._aftersales_return_order(order_id)
        except (AccessError, MissingError):
            return {"ok": False, "message": request.env._("Order not found.")}
        options = self._aftersales_return_options(order_sudo)
        try:
            lines, reason, __, __ = self._aftersales_return_parse(options, post)
        except PortalFormError as error:
            return {"ok": False, "message": str(error), "incomplete": True}
        ok, message = (
            request.env["aftersales.rma"]
            .sudo()
            ._portal_policy_preview(
                request.env.user.partner_id, order_sudo, lines, reason
            )
        )
        return {"ok": bool(ok), "message": message}

    @http.route(
        "/my/orders/<int:order_id>/return",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_return_create(self, order_id, **post):
        try:
            order_sudo = self._aftersales_return_order(order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        options = self._aftersales_return_options(order_sudo)
        partner = request.env.user.partner_id
        try:
            lines, reason, return_method, description = self._aftersales_return_parse(
                options, post
            )
            uploads = self._aftersales_read_uploads(
                "attachments", order_sudo.company_id
            )
        except PortalFormError as error:
            return self._aftersales_return_render_form(options, post, str(error))
        try:
            with request.env.cr.savepoint():
                # Evidence first: the policy counts it when the request is
                # submitted.
                attachments = self._aftersales_create_attachments(uploads)
                rma_sudo = (
                    request.env["aftersales.rma"]
                    .sudo()
                    ._portal_create(
                        partner,
                        order_sudo,
                        lines,
                        reason,
                        return_method=return_method,
                        description=description,
                        attachment_ids=attachments.ids,
                    )
                )
                rma_sudo.message_subscribe(partner_ids=partner.ids)
        except (UserError, ValidationError) as error:
            return self._aftersales_return_render_form(options, post, error.args[0])
        return request.redirect(f"/my/returns/{rma_sudo.id}?created=1")

    # ------------------------------------------------------------
    # PETS
    # ------------------------------------------------------------

    def _aftersales_pet_check(self, pet_id, mode="read"):
        """The customer's own pet (archived included), as the user."""
        pet = (
            request.env["pet.profile"]
            .with_context(active_test=False)
            .search(
                expression.AND([self._aftersales_pet_domain(), [("id", "=", pet_id)]])
            )
        )
        if not pet:
            raise MissingError(request.env._("This pet does not exist."))
        pet.check_access(mode)
        return pet

    @http.route(
        ["/my/pets", "/my/pets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_pets(self, page=1, filterby=None, **kw):
        values = self._prepare_portal_layout_values()
        Pet = request.env["pet.profile"].with_context(active_test=False)
        filters = {
            "active": {
                "label": request.env._("My Pets"),
                "domain": [("active", "=", True)],
            },
            "archived": {
                "label": request.env._("Archived"),
                "domain": [("active", "=", False)],
            },
        }
        filterby = filterby if filterby in filters else "active"
        domain = expression.AND(
            [self._aftersales_pet_domain(), filters[filterby]["domain"]]
        )
        count = Pet.search_count(domain) if Pet.has_access("read") else 0
        pager = portal_pager(
            url="/my/pets",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        pets = (
            Pet.search(domain, limit=self._items_per_page, offset=pager["offset"])
            if count
            else Pet
        )
        values.update(
            {
                "pets": pets,
                "page_name": "pet_profile",
                "default_url": "/my/pets",
                "pager": pager,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("pet_aftersales.portal_my_pets", values)

    def _aftersales_pet_render_form(self, pet=None, post=None, error=None):
        env = request.env
        values = self._prepare_portal_layout_values()
        Pet = env["pet.profile"]
        form = post
        if form is None:
            form = (
                {
                    key: pet[key] or ""
                    for key in (
                        "name",
                        "species",
                        "sex",
                        "breed",
                        "birthdate",
                        "weight_kg",
                        "neutered",
                        "allergies",
                        "diet_notes",
                        "health_notes",
                        "deceased_date",
                    )
                }
                if pet
                else {}
            )
        values.update(
            {
                "page_name": "pet_profile_form",
                "pet": pet or Pet,
                "form": form,
                "error": error,
                "species": Pet._fields["species"]._description_selection(env),
                "sexes": Pet._fields["sex"]._description_selection(env),
                "upload_max_mb": self._aftersales_upload_limit(env.company)
                // (1024 * 1024),
            }
        )
        return request.render(
            "pet_aftersales.portal_pet_form", values, status=400 if error else 200
        )

    def _aftersales_pet_prepare_vals(self, post):
        """Whitelisted pet values; the owner is never read from the form."""
        env = request.env
        Pet = env["pet.profile"]
        name = (post.get("name") or "").strip()
        if not name:
            raise PortalFormError(env._("Give your pet's name."))
        species = post.get("species") or "other"
        if species not in dict(Pet._fields["species"]._description_selection(env)):
            raise PortalFormError(env._("Choose a species."))
        sex = post.get("sex") or "unknown"
        if sex not in dict(Pet._fields["sex"]._description_selection(env)):
            raise PortalFormError(env._("Choose a sex."))
        dates = {}
        for key in ("birthdate", "deceased_date"):
            value = (post.get(key) or "").strip()
            try:
                dates[key] = fields.Date.to_date(value) if value else False
            except ValueError as error:
                raise PortalFormError(env._("Enter dates as YYYY-MM-DD.")) from error
        weight = (post.get("weight_kg") or "").strip().replace(",", ".")
        try:
            weight = float(weight) if weight else 0.0
        except ValueError as error:
            raise PortalFormError(env._("Enter the weight as a number.")) from error
        if weight < 0 or weight > 2000 or weight != weight:
            raise PortalFormError(env._("Enter a realistic weight in kg."))
        vals = {
            "name": name[:128],
            "species": species,
            "breed": (post.get("breed") or "").strip()[:128] or False,
            "sex": sex,
            "birthdate": dates["birthdate"],
            "deceased_date": dates["deceased_date"],
            "weight_kg": weight,
            "neutered": bool(post.get("neutered")),
            "allergies": (post.get("allergies") or "").strip()[:2000] or False,
            "diet_notes": (post.get("diet_notes") or "").strip()[:2000] or False,
            "health_notes": (post.get("health_notes") or "").strip()[:2000] or False,
        }
        uploads = self._aftersales_read_uploads(
            "image", env.company, allowed=PORTAL_IMAGE_MIMETYPES
        )
        if uploads:
            vals["image_1920"] = base64.b64encode(uploads[0][1])
        return vals

    @http.route("/my/pets/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_pet_new(self, **kw):
        return self._aftersales_pet_render_form()

    @http.route(
        "/my/pets/new", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_pet_create(self, **post):
        try:
            vals = self._aftersales_pet_prepare_vals(post)
            vals["partner_id"] = request.env.user.partner_id.id
            with request.env.cr.savepoint():
                # As the customer: the ACL and record rules apply.
                request.env["pet.profile"].create(vals)
        except PortalFormError as error:
            return self._aftersales_pet_render_form(post=post, error=str(error))
        except (UserError, ValidationError) as error:
            return self._aftersales_pet_render_form(post=post, error=error.args[0])
        return request.redirect("/my/pets")

    @http.route(
        "/my/pets/<int:pet_id>/edit",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_pet_edit(self, pet_id, **kw):
        try:
            pet = self._aftersales_pet_check(pet_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._aftersales_pet_render_form(pet=pet)

    @http.route(
        "/my/pets/<int:pet_id>/edit",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_pet_write(self, pet_id, **post):
        try:
            pet = self._aftersales_pet_check(pet_id, "write")
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            vals = self._aftersales_pet_prepare_vals(post)
            with request.env.cr.savepoint():
                pet.write(vals)
        except PortalFormError as error:
            return self._aftersales_pet_render_form(pet, post, str(error))
        except (UserError, ValidationError) as error:
            return self._aftersales_pet_render_form(pet, post, error.args[0])
        return request.redirect("/my/pets")

    @http.route(
        ["/my/pets/<int:pet_id>/archive", "/my/pets/<int:pet_id>/unarchive"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_pet_archive(self, pet_id, **post):
        try:
            pet = self._aftersales_pet_check(pet_id, "write")
        except (AccessError, MissingError):
            return request.redirect("/my")
        archive = request.httprequest.path.endswith("/archive")
        pet.write({"active": not archive})
        return request.redirect(
            "/my/pets" + ("?filterby=archived" if not archive else "")
        )
