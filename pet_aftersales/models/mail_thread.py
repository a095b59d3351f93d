from odoo import api, models
from odoo.tools import email_normalize, email_split

# headers set by auto-responders (RFC 3834 and common non-standard ones)
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
AUTO_PRECEDENCE = ("auto_reply", "bulk", "junk", "list")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _aftersales_is_auto_submitted(self, message):
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        if any(message.get(header) for header in AUTO_REPLY_HEADERS[:2]):
            return True
        suppress = (message.get("X-Auto-Response-Suppress") or "").lower()
        if "all" in suppress or "oof" in suppress:
            return True
        precedence = (message.get("Precedence") or "").strip().lower()
        return precedence in AUTO_PRECEDENCE

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        """Never let auto-replies or our own aliases open or reopen cases.

        Bounces are already dropped by mail.thread; this adds auto-responders
        (Auto-Submitted, X-Autoreply, Precedence) and mails sent from one of
        our aliases, which would otherwise ping-pong with the acknowledgement.
        """
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if not any(route[0] == "aftersales.case" for route in routes):
            return routes
        drop = self._aftersales_is_auto_submitted(message)
        if not drop:
            sender = email_normalize(
                (email_split(message_dict.get("email_from") or "") or [""])[0]
            )
            drop = bool(
                sender
                and self.env["mail.alias"]
                .sudo()
                .search_count([("alias_full_name", "=", sender)], limit=1)
            )
        if drop:
            return [route for route in routes if route[0] != "aftersales.case"]
        return routes
