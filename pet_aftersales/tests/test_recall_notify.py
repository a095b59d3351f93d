import threading
import time
from datetime import timedelta

from odoo import Command, api, fields
from odoo.exceptions import AccessError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .recall_common import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallNotify(RecallCommon):
    def test_notice_says_what_to_do(self):
        """Each instruction of the recall reaches the customer as it is."""
        for instruction, text in (
            ("return", "send it back to us: the return is free"),
            ("dispose", "dispose of it: we refund it"),
            ("stop_use", "stop feeding it to your pet and watch for symptoms"),
        ):
            recall = self._start_recall(instruction=instruction)
            recall.with_user(self.supervisor).action_notify()
            mails = self._notice_mails(recall)
            self.assertTrue(mails, instruction)
            for mail in mails:
                self.assertIn(text, mail.body_html, instruction)
            recall.with_user(self.manager).action_cancel()

    def test_other_company_sees_no_recall(self):
        recall = self._start_recall()
        other = self.env["res.company"].create({"name": "Other Pet Shop"})
        outsider = new_test_user(
            self.env,
            login="recall_outsider",
            groups="pet_aftersales.pet_aftersales_group_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        Recall = self.env["aftersales.recall"].with_user(outsider)
        self.assertFalse(Recall.search([("id", "=", recall.id)]))
        with self.assertRaises(AccessError):
            recall.with_user(outsider).read(["name"])

    def test_notify_each_customer_once(self):
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        mails = self._notice_mails(recall)
        self.assertEqual(len(mails), 2)
        self.assertEqual(
            set(mails.mapped("res_id")), set(recall.line_ids.ids), "one per line"
        )
        self.assertTrue(all(line.state == "notified" for line in recall.line_ids))
        for line in recall.line_ids:
            mail = mails.filtered(lambda m, line=line: m.res_id == line.id)
            self.assertIn(f"/my/recall/{line.id}?access_token=", mail.body_html)
            self.assertIn(line.access_token, mail.body_html)
            self.assertEqual(mail.state, "outgoing", "queued, not sent in the click")
        recall.with_user(self.supervisor).action_notify()
        self.env["aftersales.recall"]._cron_send_notices()
        self.assertEqual(self._notice_mails(recall), mails)

    def test_notice_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.env.ref("pet_aftersales.mail_template_recall_notice")
        template.with_context(
            lang="fr_FR"
        ).subject = "Rappel de {{ object.product_id.name }}"
        self.customer_b.lang = "fr_FR"
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        mails = self._notice_mails(recall)
        line_b = recall.line_ids.filtered(
            lambda line: line.partner_id == self.customer_b
        )
        mail_b = mails.filtered(lambda m: m.res_id == line_b.id)
        self.assertTrue(mail_b.subject.startswith("Rappel de"), mail_b.subject)
        self.assertTrue((mails - mail_b).subject.startswith("Important: recall"))

    def test_customer_without_email_is_unreachable_and_called(self):
        self.customer_b.email = False
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        line_b = recall.line_ids.filtered(
            lambda line: line.partner_id == self.customer_b
        )
        self.assertEqual(line_b.state, "unreachable")
        self.assertEqual(len(self._notice_mails(recall)), 1)
        activity = recall.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("pet_aftersales.mail_activity_type_recall_call")
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor)

    def test_company_without_email_is_told_through_its_contact(self):
        """A pet shop ordered through its buyer: the shop has no e-mail, its
        buyer has; the notice reaches the buyer, not a call list."""
        shop = self.env["res.partner"].create(
            {"name": "Happy Paws Ltd", "is_company": True}
        )
        self.customer_b.write({"parent_id": shop.id, "type": "contact"})
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        line = recall.line_ids.filtered(lambda line: line.partner_id == shop)
        self.assertEqual(line.state, "notified")
        self.assertEqual(line.notice_partner_id, self.customer_b)
        mail = self._notice_mails(recall).filtered(lambda m: m.res_id == line.id)
        self.assertEqual(mail.recipient_ids, self.customer_b)
        self.assertIn("Dear Wang Lei,", mail.body_html)
        self.assertFalse(
            recall.activity_ids.filtered(
                lambda a: a.activity_type_id
                == self.env.ref("pet_aftersales.mail_activity_type_recall_call")
            )
        )

    def test_one_notice_per_customer(self):
        """A customer who received two recalled lots gets one notice naming
        both, each with its own answer link, and one reminder."""
        # every customer received both lots
        self._deliver(self.customer, 1.0, self.lot_other)
        self._deliver(self.customer_b, 1.0, self.lot_other)
        self._deliver(self.customer_c, 1.0, self.lot)
        both = self.lot | self.lot_other
        recall = self._start_recall(lot_ids=[Command.set(both.ids)])
        self.assertEqual(len(recall.line_ids), 6)
        # a batch of one line still takes its customer's other line along
        first = recall.line_ids.sorted("id")[0]
        theirs = recall.line_ids.filtered(lambda r: r.partner_id == first.partner_id)
        self.env["aftersales.recall.line"]._notify_pending(recall.ids, limit=1)
        self.assertEqual(set(theirs.mapped("state")), {"notified"})
        [mail] = self._notice_mails(recall)
        self.assertEqual(mail.recipient_ids, first.partner_id)
        for line in theirs:
            self.assertIn(line.lot_id.name, mail.body_html)
            self.assertIn(line.get_portal_url(), mail.body_html)
        recall.with_user(self.supervisor).action_notify()
        mails = self._notice_mails(recall)
        self.assertEqual(len(mails), 3, "one notice per customer")
        self.assertEqual(len(mails.recipient_ids), 3, "no customer notified twice")
        with freeze_time(fields.Datetime.now() + timedelta(days=4)):
            self.env["aftersales.recall"]._cron_send_notices()
        reminders = self._notice_mails(recall).filtered(
            lambda m: "Reminder" in m.subject
        )
        self.assertEqual(len(reminders), 3, "one reminder per customer")
        self.assertEqual(set(recall.line_ids.mapped("reminder_count")), {1})

    def test_reminder_then_call(self):
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        Recall = self.env["aftersales.recall"]
        Recall._cron_send_notices()
        self.assertEqual(len(self._notice_mails(recall)), 2, "no reminder yet")
        with freeze_time(fields.Datetime.now() + timedelta(days=4)):
            Recall._cron_send_notices()
            Recall._cron_send_notices()
        mails = self._notice_mails(recall)
        self.assertEqual(len(mails), 4, "one reminder per customer, once")
        self.assertEqual(len(mails.filtered(lambda m: "Reminder" in m.subject)), 2)
        self.assertFalse(recall.activity_ids)
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            Recall._cron_send_notices()
            Recall._cron_send_notices()
        self.assertEqual(len(recall.activity_ids), 2)
        self.assertEqual(len(self._notice_mails(recall)), 4)

    def test_cron_reports_its_progress(self):
        """The job says what it did and what is left (ir.cron progress), so
        Odoo runs it again at once while a big recall still has work; each
        company counts by its own reminder and call days."""
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        self.company.write(
            {"aftersales_recall_reminder_days": 2, "aftersales_recall_call_days": 5}
        )
        cron = self.env.ref("pet_aftersales.ir_cron_aftersales_recall_notices")
        Recall = self.env["aftersales.recall"]

        def run():
            progress = self.env["ir.cron.progress"].create(
                {"cron_id": cron.id, "remaining": 0, "done": 0}
            )
            Recall.with_context(ir_cron_progress_id=progress.id)._cron_send_notices(
                batch_size=1
            )
            return progress.done, progress.remaining

        self.assertEqual(run(), (0, 0), "notified, nothing due yet")
        with freeze_time(fields.Datetime.now() + timedelta(days=3)):
            # two reminders due, one per run: the first run leaves one
            self.assertEqual(run(), (1, 1))
            self.assertEqual(run(), (1, 0))
        with freeze_time(fields.Datetime.now() + timedelta(days=6)):
            self.assertEqual(run(), (1, 1))
            self.assertEqual(run(), (1, 0))
        self.assertEqual(len(recall.activity_ids), 2)


@tagged("post_install", "-at_install")
class TestRecallNotifyRace(TransactionCase):
    """Two workers (cron workers, or two clicks on Notify) on the same
    lines at once, in two real transactions: one mail per line."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partners = env["res.partner"].create(
                [
                    {"name": f"Race Recall {i}", "email": f"race.recall{i}@example.com"}
                    for i in range(3)
                ]
            )
            product = env["product.product"].create({"name": "Race Kibble"})
            recall = env["aftersales.recall"].create(
                {
                    "product_ids": [Command.set(product.ids)],
                    "reason": "Race",
                    "state": "open",
                    "line_ids": [
                        Command.create(
                            {
                                "partner_id": partner.id,
                                "product_id": product.id,
                                "qty_shipped": 1.0,
                            }
                        )
                        for partner in partners
                    ],
                }
            )
            self.recall_id = recall.id
            self.line_ids = recall.line_ids.ids
            self.partner_ids = partners.ids
            self.product_id = product.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["mail.mail"].search(
                [
                    ("model", "=", "aftersales.recall.line"),
                    ("res_id", "in", self.line_ids),
                ]
            ).unlink()
            recall = env["aftersales.recall"].browse(self.recall_id)
            recall.message_ids.unlink()
            recall.state = "draft"
            recall.unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()

    def _notify(self, env):
        count = env["aftersales.recall.line"]._notify_pending([self.recall_id])
        env.flush_all()
        return count

    def _first(self, counts, errors, release):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                counts.append(self._notify(env))
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def _second(self, counts, errors, started):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # its snapshot is taken now
                started.set()
                counts.append(retrying(lambda: self._notify(env), env))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_two_workers_at_once(self):
        counts, errors = [], []
        release, started = threading.Event(), threading.Event()
        one = threading.Thread(target=self._first, args=(counts, errors, release))
        two = threading.Thread(target=self._second, args=(counts, errors, started))
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            one.start()
            deadline = time.time() + 10
            while not counts and not errors and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(counts, [3], errors)
            two.start()
            started.wait(10)
            time.sleep(1)  # the second worker runs while the first holds the lines
            release.set()
            one.join(20)
            two.join(30)
        self.assertFalse(errors)
        self.assertEqual(counts, [3, 0])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            mails = env["mail.mail"].search(
                [
                    ("model", "=", "aftersales.recall.line"),
                    ("res_id", "in", self.line_ids),
                ]
            )
            self.assertEqual(sorted(mails.mapped("res_id")), sorted(self.line_ids))
            lines = env["aftersales.recall.line"].browse(self.line_ids)
            self.assertEqual(set(lines.mapped("state")), {"notified"})
