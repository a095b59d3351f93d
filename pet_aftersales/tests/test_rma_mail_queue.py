import socket

from odoo.tests import freeze_time

from .common import core_queries
from .rma_common import RmaCommon


def closed_port():
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@freeze_time("2026-03-04 10:00:00")
class TestRmaMailQueue(RmaCommon):
    """Customer mails of a click wait in Odoo's mail queue: the click never
    talks to the SMTP server, so a failing one cannot slow or break it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.mail_server"].create(
            {
                "name": "SMTP down",
                "smtp_host": "127.0.0.1",
                "smtp_port": closed_port(),
                "sequence": 1,
            }
        )
        cls.queue_cron = cls.env.ref("mail.ir_cron_mail_scheduler_action")

    def _customer_mails(self, rma):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "aftersales.rma"),
                ("res_id", "=", rma.id),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )

    def _queue_triggers(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.queue_cron.id)]
        )

    def test_every_customer_mail_of_a_return_is_queued(self):
        rma = self.env["aftersales.rma"].with_user(self.agent).create(self._rma_vals())
        triggers = self._queue_triggers()
        rma.action_submit()
        rma.with_user(self.supervisor).action_approve()
        self._receive(rma.sudo())
        rma.with_user(self.agent).line_ids.action_inspection_pass()
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        mails = self._customer_mails(rma)
        # submitted, approved, received, done and the survey invitation
        self.assertEqual(len(mails), 5, mails.mapped("subject"))
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertGreater(self._queue_triggers(), triggers, "the queue is woken")

    def test_case_acknowledgement_is_queued(self):
        case = self.env["aftersales.case"].message_new(
            {
                "subject": "Bag torn",
                "email_from": self.customer.email,
                "body": "<p>The bag arrived torn.</p>",
            }
        )
        mails = self.env["mail.mail"].search(
            [("model", "=", "aftersales.case"), ("res_id", "=", case.id)]
        )
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})

    def test_customer_mail_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        template = self.env.ref("pet_aftersales.mail_template_rma_submitted")
        template.with_context(lang="fr_FR").subject = "Demande {{ object.name }}"
        rma = self.env["aftersales.rma"].with_user(self.agent).create(self._rma_vals())
        rma.action_submit()
        message = rma.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(message.subject, f"Demande {rma.name}")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_query_count_of_each_click(self):
        """Pins of the return's hot path, a 1-line return, as its roles.

        The same counts whatever ran before in the process or the class: the
        transaction starts empty (earlier tests of the class leave pending
        computations of new records behind, which fix the order in which
        fields get recomputed and so how many UPDATEs a flush takes), then
        one whole return of another order warms the caches the pinned clicks
        rely on (access rules per user, templates)."""
        warm_order = self._deliver_order(self.customer, self.product, 2.0)
        self.env.flush_all()
        self.env.transaction.clear()
        warm = (
            self.env["aftersales.rma"]
            .with_user(self.agent)
            .create(self._rma_vals(order=warm_order))
        )
        warm.action_submit()
        warm.with_user(self.supervisor).action_approve()
        self._receive(warm.sudo())
        warm.with_user(self.agent).line_ids.action_inspection_pass()
        warm.with_user(self.supervisor).action_done()
        vals = self._rma_vals()
        self.env.invalidate_all()
        with self.assertQueryCount(core_queries(self.env, 41, newest=42)):
            rma = self.env["aftersales.rma"].with_user(self.agent).create(vals)
        self.env.invalidate_all()
        with self.assertQueryCount(core_queries(self.env, 66, newest=69)):
            rma.action_submit()
        self.env.invalidate_all()
        with self.assertQueryCount(core_queries(self.env, 117, newest=119)):
            rma.with_user(self.supervisor).action_approve()
        self._receive(rma.sudo())
        rma.with_user(self.agent).line_ids.action_inspection_pass()
        self.env.invalidate_all()
        with self.assertQueryCount(core_queries(self.env, 189, newest=197)):
            rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.refund_move_ids.state, "posted")
