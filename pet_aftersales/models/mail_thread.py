import base64
import zlib

from odoo import api, models
from odoo.tools import SQL, email_normalize, email_split

# headers set by auto-responders (RFC 3834 and common non-standard ones)
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
AUTO_PRECEDENCE = ("auto_reply", "bulk", "junk", "list")
# first key of the advisory locks taken on the Message-Id of a case mail
MESSAGE_ID_LOCK = zlib.crc32(b"aftersales.case.message_id") & 0x7FFFFFFF
# what a template gives a message, as the composer takes it
TEMPLATE_POST_FIELDS = (
    "subject",
    "body_html",
    "email_from",
    "reply_to",
    "partner_to",
    "email_to",
    "email_cc",
    "attachment_ids",
    "report_template_ids",
    "mail_server_id",
    "email_layout_xmlid",
    "scheduled_date",
)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_thread_by_email(
        self, message, recipients_data, msg_vals=False, **kwargs
    ):
        """The addon's mails never go to the SMTP server inside the request
        (a slow or failing server would slow or break the user's click): they
        wait in Odoo's mail queue, whose cron is woken to send them in its own
        transaction right after this one commits."""
        if not self._name.startswith("aftersales."):
            return super()._notify_thread_by_email(
                message, recipients_data, msg_vals=msg_vals, **kwargs
            )
        kwargs["force_send"] = False
        result = super(
            MailThread, self.with_context(mail_notify_force_send=False)
        )._notify_thread_by_email(message, recipients_data, msg_vals=msg_vals, **kwargs)
        if any(recipient.get("notif") == "email" for recipient in recipients_data):
            self._aftersales_wake_mail_queue()
        return result

    @api.model
    def _aftersales_wake_mail_queue(self):
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action", False)
        if cron:
            cron.sudo()._trigger()

    def _aftersales_message_post_template(
        self, template, message_type="notification", **kwargs
    ):
        """Post ``template``, rendered on each record of ``self`` in its
        recipient's language, as a message to the template's recipients.

        What the mail composer does with a template, without the composer:
        the subjects and bodies of all records are rendered in one batch.
        """
        if not self or not template:
            return self.env["mail.message"]
        values = template._generate_template(
            self.ids, TEMPLATE_POST_FIELDS, find_or_create_partners=True
        )
        messages = self.env["mail.message"]
        for record in self:
            rendered = values[record.id]
            post = {
                "body": rendered.get("body_html") or "",
                "subject": rendered.get("subject") or False,
                "partner_ids": rendered.get("partner_ids") or [],
                "attachment_ids": rendered.get("attachment_ids") or [],
                # rendered reports come base64-encoded, message_post wants bytes
                "attachments": [
                    (name, base64.b64decode(data))
                    for name, data in rendered.get("attachments") or []
                ],
                "message_type": message_type,
                "mail_auto_delete": template.auto_delete,
            }
            for key in ("email_from", "reply_to", "mail_server_id", "scheduled_date"):
                if rendered.get(key):
                    post[key] = rendered[key]
            if rendered.get("email_layout_xmlid"):
                post["email_layout_xmlid"] = rendered["email_layout_xmlid"]
            post.update(kwargs)
            messages |= record.message_post(**post)
        return messages

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
        if self._aftersales_already_processed(message_dict.get("message_id")):
            return []
        return self._aftersales_check_reply_routes(routes, message_dict)

    @api.model
    def _aftersales_already_processed(self, message_id):
        """Whether a concurrent delivery of this very mail was processed.

        The same mail delivered twice at once (MTA retry, two fetchmail runs)
        passes core's Message-Id check in both transactions. The lock makes
        the second wait for the first; then a fresh snapshot (our own started
        before the other committed) tells whether the mail is in already.
        """
        if not message_id:
            return False
        self.env.cr.execute(
            SQL(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                MESSAGE_ID_LOCK,
                message_id,
            )
        )
        with self.env.registry.cursor() as fresh_cr:
            fresh_cr.execute(
                SQL(
                    "SELECT 1 FROM mail_message WHERE message_id = %s LIMIT 1",
                    message_id,
                )
            )
            return bool(fresh_cr.fetchone())

    @api.model
    def _aftersales_check_reply_routes(self, routes, message_dict):
        """A reply from a stranger (not the customer, a follower nor staff)
        never joins a case's thread nor reopens it: it opens a new case in
        the same team, which says which case it answered. Only one new case
        is opened per mail."""
        checked = []
        new_case = False
        for route in routes:
            model, thread_id, custom_values, user_id, alias = route
            if model != "aftersales.case":
                checked.append(route)
                continue
            if thread_id:
                case = self.env[model].browse(thread_id)
                if case._aftersales_reply_allowed(message_dict):
                    checked.append(route)
                    continue
                message_dict.pop("parent_id", None)
                case_sudo = case.sudo()
                custom_values = dict(
                    custom_values or {},
                    team_id=case_sudo.team_id.id,
                    company_id=case_sudo.company_id.id,
                    aftersales_replied_case_id=case.id,
                )
                thread_id = False
                route = (model, thread_id, custom_values, user_id, alias)
            if new_case:
                continue
            new_case = True
            checked.append(route)
        return checked
