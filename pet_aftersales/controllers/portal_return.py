import re
from datetime import datetime

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .portal_input import (
    AftersalesPortalMixin,
    PortalFormError,
    portal_choice,
    portal_number,
    portal_text,
)
from .portal_upload import AftersalesUploadMixin

RMA_TIMELINE_STATES = ("draft", "submitted", "approved", "received", "done")


class AftersalesReturnPortal(
    AftersalesPortalMixin, AftersalesUploadMixin, CustomerPortal
):
    # ------------------------------------------------------------
    # HOME COUNTER
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_rma_count" in counters:
            Rma = request.env["aftersales.rma"]
            values["aftersales_rma_count"] = (
                Rma.search_count(self._aftersales_rma_domain())
                if Rma.has_access("read")
                else 0
            )
        return values

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
        """Steps of the return with the date each was reached, read from the
        dates stored on the return (not from the chatter, whose tracking is
        written in the language of whoever changed the state)."""
        labels = dict(rma_sudo._fields["state"]._description_selection(request.env))
        states = list(RMA_TIMELINE_STATES)
        if rma_sudo.state in ("rejected", "cancelled"):
            states = [s for s in states if s in ("draft", "submitted")]
            states.append(rma_sudo.state)
        current = states.index(rma_sudo.state) if rma_sudo.state in states else 0
        steps = []
        for index, state in enumerate(states):
            date = (
                rma_sudo.create_date if state == "draft" else rma_sudo[f"{state}_date"]
            )
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
            rma_sudo = self._aftersales_document("aftersales.rma", rma_id, access_token)
        except (AccessError, MissingError):
            return self._aftersales_refused()
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
            # recall returns start from the recall notice, not from an order
            "reasons": env["aftersales.return.reason"]
            .sudo()
            .search([("code", "!=", "recall")]),
            "return_methods": [
                (key, label)
                for key, label in env["aftersales.rma"]
                ._fields["return_method"]
                ._description_selection(env)
                if key != "dispose"
            ],
            "resolutions": env["aftersales.rma"]
            ._fields["resolution"]
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
        """The return request as posted, checked for its form only.

        Whether the quantities can still be returned and whether a lot was
        delivered with its product is the business of the model
        (``aftersales.rma._portal_check_request``), not of this form.

        :return: (lines, reason, return_method, description) where lines is a
            list of dicts {sale_line_id, quantity, lot_id, original_packaging}
        """
        env = request.env
        all_lines = options["sale_order"].order_line
        lines = []
        for key, raw_qty in post.items():
            match = re.fullmatch(r"qty_(\d{1,9})", key)
            if not match:
                continue
            line_id = int(match.group(1))
            if line_id not in all_lines.ids:
                raise PortalFormError(
                    env._("A product you asked to return is not on this order.")
                )
            quantity = portal_number(raw_qty)
            if quantity != quantity or quantity < 0:  # NaN or negative
                raise PortalFormError(env._("Quantities cannot be negative."))
            if not quantity:
                continue
            lines.append(
                {
                    "sale_line_id": line_id,
                    "quantity": quantity,
                    "lot_id": self._aftersales_parse_id(post.get(f"lot_{line_id}"))
                    or False,
                    "original_packaging": bool(post.get(f"packaging_{line_id}")),
                }
            )
        if not lines:
            raise PortalFormError(env._("Choose at least one product to return."))
        reason_id = self._aftersales_parse_id(post.get("reason_id"))
        reason = options["reasons"].filtered(lambda r: r.id == reason_id)
        if not reason:
            raise PortalFormError(env._("Tell us why you return these products."))
        method_error = env._("Choose how you send the products back.")
        return_method = portal_choice(post, "return_method", "ship", method_error)
        if return_method not in dict(options["return_methods"]):
            raise PortalFormError(method_error)
        description = portal_text(
            post, "description", "return_description", env._("The description")
        )
        return lines, reason, return_method, description

    def _aftersales_return_wishes(self, post, return_method):
        """What the customer would like: a refund or an exchange, and the
        courier's slot when the goods are picked up.

        :return: dict of aftersales.rma values
        """
        env = request.env
        resolutions = dict(
            env["aftersales.rma"]._fields["resolution"]._description_selection(env)
        )
        resolution = portal_choice(post, "resolution", "refund")
        if resolution not in resolutions:
            raise PortalFormError(env._("Choose a refund or an exchange."))
        vals = {"resolution": resolution}
        slot = portal_choice(post, "pickup_date", "").strip()
        if return_method == "pickup" and slot:
            try:
                local = datetime.strptime(slot[:16], "%Y-%m-%dT%H:%M")
            except ValueError as error:
                raise PortalFormError(
                    env._("Enter the pickup slot as a date and a time.")
                ) from error
            tz = pytz.timezone(env.user.tz or env.context.get("tz") or "UTC")
            utc = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
            if utc <= fields.Datetime.now():
                raise PortalFormError(env._("Choose a pickup slot in the future."))
            vals["pickup_date"] = utc
        return vals

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
            return self._aftersales_refused()
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
            lines, reason, return_method, __ = self._aftersales_return_parse(
                options, post
            )
        except PortalFormError as error:
            return {"ok": False, "message": str(error), "incomplete": True}
        ok, message = (
            request.env["aftersales.rma"]
            .sudo()
            ._portal_policy_preview(
                request.env.user.partner_id,
                order_sudo,
                lines,
                reason,
                return_method=return_method,
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
            return self._aftersales_refused()
        options = self._aftersales_return_options(order_sudo)
        partner = request.env.user.partner_id
        try:
            lines, reason, return_method, description = self._aftersales_return_parse(
                options, post
            )
            wishes = self._aftersales_return_wishes(post, return_method)
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
                # A refund or an exchange is settled when the return is done;
                # the customer's pickup slot replaces the default one.
                rma_sudo.write(wishes)
                rma_sudo.message_subscribe(partner_ids=partner.ids)
        except (UserError, ValidationError) as error:
            return self._aftersales_return_render_form(options, post, error.args[0])
        return request.redirect(f"/my/returns/{rma_sudo.id}?created=1")
