from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal_input import (
    AftersalesPortalMixin,
    PortalFormError,
    portal_choice,
    portal_number,
    portal_text,
)
from .portal_upload import AftersalesUploadMixin

# line states in which the notice still waits for the customer's answer
OPEN_NOTICE_STATES = ("pending", "notified", "unreachable", "acknowledged")


class AftersalesRecallPortal(
    AftersalesPortalMixin, AftersalesUploadMixin, CustomerPortal
):
    # ------------------------------------------------------------
    # BANNER ON /my
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not counters:  # the /my page itself, not the counters' call
            Line = request.env["aftersales.recall.line"]
            # the customer's own notices only: the domain is the access check
            # (the recall itself is not readable from the portal)
            values["aftersales_recall_lines"] = (
                Line.sudo().search(
                    [
                        ("partner_id", "=", self._aftersales_commercial_partner().id),
                        ("state", "in", OPEN_NOTICE_STATES),
                        ("choice", "=", False),
                        ("recall_id.state", "=", "open"),
                    ]
                )
                if Line.has_access("read") and request.env.user.share
                else Line
            )
        return values

    # ------------------------------------------------------------
    # THE NOTICE
    # ------------------------------------------------------------

    def _aftersales_recall_render(self, line_sudo, access_token, post=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "aftersales_recall",
                "line": line_sudo,
                "recall": line_sudo.recall_id,
                "post": post or {},
                "error": error,
                "done": request.params.get("done"),
                "upload_max_mb": self._aftersales_upload_limit(line_sudo.company_id)
                // (1024 * 1024),
            }
        )
        values = self._get_page_view_values(
            line_sudo, access_token, values, "my_recalls_history", False
        )
        # the page's own messages win over the core's generic ones
        values["error"] = error
        return request.render(
            "pet_aftersales.portal_recall_notice",
            values,
            status=400 if error else 200,
        )

    @http.route(
        ["/my/recall/<int:line_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def portal_recall_notice(self, line_id, access_token=None, **kw):
        try:
            line_sudo = self._aftersales_document(
                "aftersales.recall.line", line_id, access_token
            )
        except (AccessError, MissingError):
            return self._aftersales_refused()
        return self._aftersales_recall_render(line_sudo, access_token)

    def _aftersales_recall_parse(self, line_sudo, post):
        """The answer as posted: (units still held, choice, resolution)."""
        env = request.env
        held = portal_number(post.get("qty_remaining"))
        if held != held or held < 0 or held != int(held):  # NaN, negative, 1.5
            raise PortalFormError(
                env._("Enter how many units you still have as a whole number.")
            )
        if held > line_sudo.qty_shipped:
            raise PortalFormError(
                env._(
                    "You received %(shipped)s units: you cannot still have more.",
                    shipped=int(line_sudo.qty_shipped),
                )
            )
        choice_error = env._("Choose to return or to dispose of the goods.")
        choice = portal_choice(post, "choice", "", choice_error)
        if choice not in ("", "return", "dispose"):
            raise PortalFormError(choice_error)
        if held and not choice:
            raise PortalFormError(
                env._("Tell us whether you return or dispose of the units you have.")
            )
        resolution = portal_choice(post, "resolution", "refund")
        if resolution not in ("refund", "exchange"):
            raise PortalFormError(env._("Choose a refund or an exchange."))
        return int(held), choice, resolution

    @http.route(
        ["/my/recall/<int:line_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_recall_answer(self, line_id, access_token=None, **post):
        try:
            line_sudo = self._aftersales_document(
                "aftersales.recall.line", line_id, access_token
            )
        except (AccessError, MissingError):
            return self._aftersales_refused()
        try:
            held, choice, resolution = self._aftersales_recall_parse(line_sudo, post)
            uploads = (
                self._aftersales_read_uploads("attachments", line_sudo.company_id)
                if choice == "dispose"
                else []
            )
        except PortalFormError as error:
            return self._aftersales_recall_render(
                line_sudo, access_token, post, str(error)
            )
        try:
            with request.env.cr.savepoint():
                if not line_sudo.choice:
                    line_sudo._portal_acknowledge(held)
                if choice and held and not line_sudo.rma_id:
                    attachments = self._aftersales_create_attachments(uploads)
                    line_sudo._portal_choose(
                        choice, resolution, attachment_ids=attachments.ids
                    )
        except (UserError, ValidationError) as error:
            return self._aftersales_recall_render(
                line_sudo, access_token, post, error.args[0]
            )
        return request.redirect(line_sudo.get_portal_url(query_string="&done=1"))

    @http.route(
        ["/my/recall/<int:line_id>/illness"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_recall_illness(self, line_id, access_token=None, **post):
        try:
            line_sudo = self._aftersales_document(
                "aftersales.recall.line", line_id, access_token
            )
        except (AccessError, MissingError):
            return self._aftersales_refused()
        env = request.env
        try:
            description = portal_text(
                post, "illness", "recall_illness", env._("What happened")
            )
        except PortalFormError as error:
            return self._aftersales_recall_render(
                line_sudo, access_token, post, str(error)
            )
        try:
            with request.env.cr.savepoint():
                line_sudo._portal_report_illness(description)
        except (UserError, ValidationError) as error:
            return self._aftersales_recall_render(
                line_sudo, access_token, post, error.args[0]
            )
        return request.redirect(line_sudo.get_portal_url(query_string="&done=2"))
