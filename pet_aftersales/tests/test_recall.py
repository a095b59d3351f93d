import io
import re
import threading
import time
from datetime import timedelta

import openpyxl

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import retrying
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .recall_common import RecallCommon
from .test_portal_security import PNG


@tagged("post_install", "-at_install")
class TestRecallTrace(RecallCommon):
    def test_trace_multi_step_net_of_returns(self):
        """Pick and ship count once (only the move into the customer
        location), a return is netted out, another lot is not recalled."""
        recall = self._start_recall()
        self.assertRegex(recall.name, r"^RCL/\d{4}/\d{4}$")
        by_partner = {line.partner_id: line for line in recall.line_ids}
        self.assertEqual(set(by_partner), {self.customer, self.customer_b})
        self.assertEqual(by_partner[self.customer].qty_shipped, 3.0)
        self.assertEqual(by_partner[self.customer_b].qty_shipped, 1.0)
        self.assertEqual(by_partner[self.customer].sale_order_id, self.order_a)
        self.assertEqual(by_partner[self.customer].lot_id, self.lot)
        self.assertTrue(by_partner[self.customer].date_delivered)
        self.assertEqual(recall.customer_count, 2)
        self.assertEqual(recall.qty_shipped, 4.0)
        self.assertEqual(recall.qty_unaccounted, 4.0)
        self.assertTrue(all(line.state == "pending" for line in recall.line_ids))

    def test_retrace_is_idempotent(self):
        recall = self._start_recall()
        lines = recall.line_ids
        recall.with_user(self.supervisor).action_trace()
        self.assertEqual(recall.line_ids, lines)
        self.assertEqual(recall.qty_shipped, 4.0)
        # a late delivery of the same lot to a known customer updates the line
        self._deliver(self.customer, 2.0, self.lot)
        recall.with_user(self.supervisor).action_trace()
        self.assertEqual(recall.line_ids, lines)
        line_a = lines.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(line_a.qty_shipped, 5.0)
        # everything customer B still had comes back: the line drops to 0
        self._return_from_customer(self.order_b, 1.0)
        recall.with_user(self.supervisor).action_trace()
        line_b = lines - line_a
        self.assertEqual(line_b.qty_shipped, 0.0)
        self.assertEqual(recall.qty_shipped, 5.0)

    def test_trace_whole_product_without_lots(self):
        recall = self._start_recall(lot_ids=[Command.clear()])
        self.assertEqual(len(recall.line_ids), 3)
        self.assertEqual(recall.qty_shipped, 8.0)

    def test_start_from_alert_lot_and_product(self):
        complaints = self.env["aftersales.case"].create(
            [
                {
                    "name": f"Kibble smells off ({customer.name})",
                    "partner_id": customer.id,
                    "category_id": self.env.ref(
                        "pet_aftersales.aftersales_category_quality"
                    ).id,
                    "product_id": self.product.id,
                    "lot_id": self.lot.id,
                }
                for customer in (self.customer, self.customer_b)
            ]
        )
        alert = self.env["aftersales.alert"].create(
            {
                "name": "Three complaints on lot KB-2026-07",
                "alert_type": "quality_cluster",
                "product_id": self.product.id,
                "lot_id": self.lot.id,
                "likelihood": 5,
                "impact": 5,
                "case_ids": [Command.set(complaints.ids)],
            }
        )
        action = alert.with_user(self.supervisor).action_start_recall()
        recall = self.env["aftersales.recall"].browse(action["res_id"])
        self.assertEqual(recall.alert_id, alert)
        # the reason of the recall: the alert's cases, linked
        self.assertEqual(recall.case_ids, complaints)
        self.assertEqual(recall.case_count, 2)
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertEqual(recall.hazard, "critical")
        self.assertEqual(recall.state, "draft")
        again = alert.with_user(self.supervisor).action_start_recall()
        self.assertEqual(again["res_id"], recall.id)
        from_lot = self.lot.with_user(self.supervisor).action_aftersales_start_recall()
        self.assertEqual(from_lot["res_id"], recall.id)
        from_product = self.product.product_tmpl_id.with_user(
            self.supervisor
        ).action_aftersales_start_recall()
        self.assertNotEqual(from_product["res_id"], recall.id)
        # an agent opens the existing recall, but cannot start one
        again = alert.with_user(self.agent).action_start_recall()
        self.assertEqual(again["res_id"], recall.id)
        other = alert.copy({"lot_id": self.lot_other.id, "subject_key": False})
        with self.assertRaises(AccessError):
            other.with_user(self.agent).action_start_recall()

    def test_quarantine_stock_on_hand(self):
        recall = self._start_recall()
        # 20 received, 3 + 2 delivered, 1 came back
        self.assertEqual(sum(recall.stock_quant_ids.mapped("quantity")), 16.0)
        recall.with_user(self.supervisor).action_quarantine()
        recall.invalidate_recordset()
        self.assertFalse(recall.stock_quant_ids)
        picking = recall.quarantine_picking_ids
        self.assertEqual(picking.state, "done")
        quarantine = picking.location_dest_id
        self.assertTrue(quarantine.aftersales_quarantine)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.product, quarantine, lot_id=self.lot
            ),
            16.0,
        )
        # a new order cannot reserve the quarantined lot any more
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_c.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        order.action_confirm()
        pick = order.picking_ids.filtered(
            lambda p: p.picking_type_id == self.warehouse.pick_type_id
        )
        self.assertNotIn(self.lot, pick.move_line_ids.lot_id)

    def test_close_needs_effectiveness_note_and_manager(self):
        recall = self._start_recall()
        with self.assertRaises(UserError):
            recall.with_user(self.manager).action_close()
        recall.with_user(
            self.manager
        ).effectiveness_note = "All customers reached by mail or phone."
        with self.assertRaises(AccessError):
            recall.with_user(self.supervisor).action_close()
        recall.with_user(self.manager).action_close()
        self.assertEqual(recall.state, "closed")
        self.assertTrue(recall.date_closed)


@tagged("post_install", "-at_install")
class TestRecallNotify(RecallCommon):
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


@tagged("post_install", "-at_install")
class TestRecallPortal(RecallCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = RecallCommon._start_recall(cls)
        cls.recall.with_user(cls.supervisor).action_notify()
        cls.line_a = cls.recall.line_ids.filtered(
            lambda line: line.partner_id == cls.customer
        )
        cls.line_b = cls.recall.line_ids - cls.line_a

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _answer(self, line, data, token=None, url=None, files=None):
        token = token or line.access_token
        page = f"/my/recall/{line.id}?access_token={token}"
        data = {**data, "csrf_token": self._csrf(page), "access_token": token}
        return self.url_open(
            url or f"/my/recall/{line.id}",
            data=data,
            files=files,
            allow_redirects=False,
        )

    def test_token_opens_only_its_own_notice(self):
        response = self.url_open(
            f"/my/recall/{self.line_a.id}?access_token={self.line_a.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("KB-2026-07", response.text)
        self.assertIn("Send my answer", response.text)
        # another customer's token opens nothing
        response = self.url_open(
            f"/my/recall/{self.line_a.id}?access_token={self.line_b.access_token}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(f"/my/recall/{self.line_a.id}", allow_redirects=False)
        self.assertIn("/web/login", response.headers["Location"])
        # nor can it post for them
        response = self.url_open(
            f"/my/recall/{self.line_b.id}",
            data={
                "csrf_token": self._csrf(
                    f"/my/recall/{self.line_a.id}?access_token={self.line_a.access_token}"
                ),
                "access_token": self.line_a.access_token,
                "qty_remaining": "0",
            },
            allow_redirects=False,
        )
        self.assertIn("/web/login", response.headers["Location"])
        self.assertEqual(self.line_b.state, "notified")

    def test_portal_user_sees_only_own_lines_and_banner(self):
        Line = self.env["aftersales.recall.line"].with_user(self.portal_user)
        self.assertEqual(Line.search([]), self.line_a)
        with self.assertRaises(AccessError):
            self.line_b.with_user(self.portal_user).read(["qty_shipped"])
        self.authenticate("recall_portal", "recall_portal")
        home = self.url_open("/my")
        self.assertIn("o_aftersales_recall_banner", home.text)
        self.assertIn(f"/my/recall/{self.line_a.id}", home.text)
        self.assertNotIn(f"/my/recall/{self.line_b.id}", home.text)
        self.assertEqual(self.url_open(f"/my/recall/{self.line_a.id}").status_code, 200)
        response = self.url_open(f"/my/recall/{self.line_b.id}", allow_redirects=False)
        self.assertEqual(response.headers["Location"].split("?")[0][-3:], "/my")

    def test_bad_quantities_are_refused_with_a_message(self):
        for value, message in (
            ("-1", "whole number"),
            ("1.5", "whole number"),
            ("abc", "as numbers"),
            ("4", "cannot still have more"),
        ):
            response = self._answer(
                self.line_a, {"qty_remaining": value, "choice": "dispose"}
            )
            self.assertEqual(response.status_code, 400, value)
            self.assertIn(message, response.text, value)
        self.assertEqual(self.line_a.state, "notified")
        self.assertFalse(self.line_a.rma_id)

    def test_dispose_refund_flow(self):
        """A visitor with the link acknowledges and disposes; the supervisor
        approves and finishes: a credit note, no receipt."""
        response = self._answer(
            self.line_a, {"qty_remaining": "2", "choice": "dispose"}
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertEqual(self.line_a.state, "acknowledged")
        self.assertEqual(self.line_a.qty_remaining, 2.0)
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "dispose")
        self.assertEqual(rma.shipping_paid_by, "company")
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.line_ids.lot_id, self.lot)
        self.assertEqual(rma.line_ids.quantity, 2.0)
        self.assertEqual(rma.state, "submitted")
        # submitting again changes nothing
        self._answer(self.line_a, {"qty_remaining": "3", "choice": "return"})
        self.assertEqual(self.line_a.rma_id, rma)
        self.assertEqual(self.line_a.qty_remaining, 2.0)
        self.assertEqual(
            self.env["aftersales.rma"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )

        rma.with_user(self.supervisor).action_approve()
        self.assertEqual(rma.state, "received")
        self.assertFalse(rma.picking_ids)
        self.assertEqual(rma.line_ids.received_qty, 2.0)
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        refund = rma.refund_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.invoice_line_ids.quantity, 2.0)
        self.assertEqual(self.line_a.state, "disposed")
        self.assertEqual(self.recall.qty_disposed, 2.0)
        self.assertEqual(self.recall.acknowledged_count, 1)
        # 1 of customer A was used up, customer B did not answer
        self.assertEqual(self.recall.qty_unaccounted, 1.0)

    def test_dispose_photo_required_by_setting(self):
        self.company.aftersales_recall_dispose_photo = True
        response = self._answer(
            self.line_a, {"qty_remaining": "1", "choice": "dispose"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("photo", response.text)
        self.assertFalse(self.line_a.rma_id)
        # with the photo of the emptied bag, the disposal is accepted and the
        # photo is the return's evidence
        response = self._answer(
            self.line_a,
            {"qty_remaining": "1", "choice": "dispose"},
            files=[("attachments", ("bag.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "dispose")
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.rma"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(photos.mapped("name"), ["bag.png"])

    def test_return_choice_creates_a_free_return(self):
        response = self._answer(
            self.line_a,
            {"qty_remaining": "3", "choice": "return", "resolution": "exchange"},
        )
        self.assertEqual(response.status_code, 303)
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "ship")
        self.assertEqual(rma.resolution, "exchange")
        self.assertEqual(rma.shipping_paid_by, "company")
        self.assertEqual(
            rma.reason_id,
            self.env.ref("pet_aftersales.aftersales_return_reason_recall"),
        )
        # the goods come back: the supervisor approves, the warehouse
        # validates the receipt, and the recall counts them as recovered
        rma.with_user(self.supervisor).action_approve()
        storekeeper = new_test_user(
            self.env,
            login="recall_storekeeper",
            groups="stock.group_stock_user",
            company_id=self.company.id,
        )
        for picking in rma.sudo().picking_ids.with_user(storekeeper):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        self.assertEqual(rma.state, "received")
        self.assertEqual(self.line_a.qty_returned, 3.0)
        self.assertEqual(self.recall.qty_returned, 3.0)
        self.assertEqual(self.recall.qty_unaccounted, 1.0)  # B's unit only
        # inspected and finished (the exchange ships): the line is closed
        rma.line_ids.with_user(self.agent).action_inspection_pass()
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        self.assertEqual(self.line_a.state, "returned")

    def test_nothing_left_acknowledges_only(self):
        response = self._answer(self.line_a, {"qty_remaining": "0"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.line_a.state, "acknowledged")
        self.assertFalse(self.line_a.rma_id)
        self.assertEqual(self.recall.qty_unaccounted, 1.0)  # B's unit only

    def test_pet_fell_ill_opens_a_pet_health_case(self):
        response = self._answer(
            self.line_a,
            {"illness": "Our dog vomited twice after eating it."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(response.status_code, 303)
        case = self.line_a.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.category_id.code, "pet_health")
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.lot_id, self.lot)
        self.assertEqual(self.recall.case_count, 1)
        # told again while the case is open: the same case hears it
        response = self._answer(
            self.line_a,
            {"illness": "Now she refuses to eat."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.line_a.case_ids, case)
        message = case.message_ids.filtered(
            lambda m: "refuses to eat" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.customer)
        # once the case is closed, a new illness is a new case
        pet = self.env["pet.profile"].create(
            {"name": "Bao", "species": "dog", "partner_id": self.customer.id}
        )
        case.with_user(self.manager).write(
            {"pet_id": pet.id, "solution": "price_compensation"}
        )
        case.with_user(self.manager).action_close()
        self._answer(
            self.line_a,
            {"illness": "Our other dog is sick too."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(len(self.line_a.case_ids), 2)
        self.assertEqual(self.recall.case_count, 2)


@tagged("post_install", "-at_install")
class TestRecallTour(RecallCommon, HttpCase):
    def test_recall_end_to_end(self):
        """Lot cluster -> alert -> recall -> notices -> a visitor disposes on
        the portal -> refund -> effectiveness check -> closed -> the record,
        each step by its role."""
        # three customers complain about the same lot within the window
        self.company.write(
            {"aftersales_cluster_min_cases": 3, "aftersales_cluster_days": 7}
        )
        quality = self.env.ref("pet_aftersales.aftersales_category_quality")
        complaints = (
            self.env["aftersales.case"]
            .with_user(self.agent)
            .create(
                [
                    {
                        "name": f"Kibble smells off ({customer.name})",
                        "partner_id": customer.id,
                        "category_id": quality.id,
                        "product_id": self.product.id,
                        "lot_id": self.lot.id,
                    }
                    for customer in (self.customer, self.customer_b, self.customer_c)
                ]
            )
        )
        # the manager runs the detection from the Alerts view
        self.env["aftersales.alert"].with_user(self.manager).action_detect_now()
        alert = self.env["aftersales.alert"].search(
            [("alert_type", "=", "quality_cluster"), ("lot_id", "=", self.lot.id)]
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, complaints)
        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_alert_action/{alert.id}",
            "pet_aftersales_recall_start",
            login="as_manager",
        )
        recall = alert.recall_ids
        self.assertEqual(recall.state, "open")
        self.assertEqual(len(recall.line_ids), 2)
        self.assertEqual(len(self._notice_mails(recall)), 2)
        line = recall.line_ids.filtered(lambda line: line.partner_id == self.customer)

        self.start_tour(line.get_portal_url(), "pet_aftersales_recall_notice")
        rma = line.rma_id
        self.assertEqual(line.state, "acknowledged")
        self.assertEqual(rma.return_method, "dispose")

        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_rma_action/{rma.id}",
            "pet_aftersales_recall_refund",
            login="as_supervisor",
        )
        self.assertEqual(rma.state, "done")
        self.assertTrue(rma.refund_move_ids)
        self.assertEqual(line.state, "disposed")

        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_recall_action/{recall.id}",
            "pet_aftersales_recall_close",
            login="as_manager",
        )
        self.assertEqual(recall.state, "closed")
        self.assertTrue(recall.effectiveness_note)
        self.assertEqual(recall.case_ids, complaints)
        # the record for the authority: every customer and the disposal
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "pet_aftersales.action_report_aftersales_recall", recall.ids
            )
        )
        html = html.decode()
        for customer in recall.line_ids.partner_id:
            self.assertIn(customer.name, html)
        self.assertIn("Disposed", html)


@tagged("post_install", "-at_install")
class TestRecallRecords(RecallCommon):
    def test_report_lists_every_customer(self):
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "pet_aftersales.action_report_aftersales_recall", recall.ids
            )
        )
        html = html.decode()
        self.assertIn(recall.name, html)
        for line in recall.line_ids:
            self.assertIn(line.partner_id.name, html)
        self.assertIn(self.order_a.name, html)

    def test_progress_day_by_day(self):
        """The manager follows the recall's effectiveness per day."""
        with freeze_time("2026-05-04 09:00:00"):
            recall = self._start_recall()
            recall.with_user(self.supervisor).action_notify()
        line_a, line_b = (
            recall.line_ids.filtered(lambda line: line.partner_id == self.customer),
            recall.line_ids.filtered(lambda line: line.partner_id == self.customer_b),
        )
        with freeze_time("2026-05-05 10:00:00"):
            # what the notice's link does for customer A (portal.py checks the token)
            line_a.sudo()._portal_acknowledge(2.0)
            rma = line_a.sudo()._portal_choose("dispose")
            rma.with_user(self.supervisor).action_approve()
        with freeze_time("2026-05-07 16:00:00"):
            line_b.sudo()._portal_acknowledge(0.0)
        action = recall.with_user(self.manager).action_view_progress()
        self.assertIn("graph", action["view_mode"])
        Progress = self.env["aftersales.recall.progress"].with_user(self.manager)
        rows = Progress.search_read(
            action["domain"],
            [
                "date",
                "qty_shipped",
                "reached_count",
                "acknowledged_count",
                "qty_disposed",
                "qty_unaccounted",
            ],
            order="date",
        )
        shipped = line_a.qty_shipped + line_b.qty_shipped
        self.assertEqual(
            [
                (
                    str(r["date"]),
                    r["qty_shipped"],
                    r["reached_count"],
                    r["acknowledged_count"],
                    r["qty_disposed"],
                    r["qty_unaccounted"],
                )
                for r in rows
            ],
            [
                # traced and told on the first day: every unit is out there
                ("2026-05-04", shipped, 2, 0, 0.0, shipped),
                # A still had 2 units (the rest was eaten) and disposed of them
                ("2026-05-05", 0.0, 0, 1, 2.0, -line_a.qty_shipped),
                # B has none left
                ("2026-05-07", 0.0, 0, 1, 0.0, -line_b.qty_shipped),
            ],
        )
        # summed up to the last day, the curve ends where the recall stands
        self.assertEqual(sum(r["qty_unaccounted"] for r in rows), 0.0)
        self.assertEqual(recall.qty_unaccounted, 0.0)
        # stable ids: the same row is the same record at every read
        self.assertEqual(
            [r["id"] for r in rows], Progress.search(action["domain"], order="date").ids
        )
        # the agent of another company sees nothing of it
        other = self.env["res.company"].create({"name": "Other Pet Shop"})
        self.manager.write({"company_ids": [Command.link(other.id)]})
        self.assertFalse(
            Progress.with_company(other)
            .with_context(allowed_company_ids=other.ids)
            .search([("recall_id", "=", recall.id)])
        )

    def test_customer_list_action(self):
        recall = self._start_recall()
        action = recall.with_user(self.agent).action_view_lines()
        lines = (
            self.env["aftersales.recall.line"]
            .with_user(self.agent)
            .search(action["domain"])
        )
        self.assertEqual(lines, recall.line_ids)


class TestRecallExport(RecallCommon, HttpCase):
    def test_xlsx_lists_every_customer_for_recall_users_only(self):
        """The export a regulator asks for: every customer with quantity,
        notice date, response and disposition, in the reader's language."""
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        line = recall.line_ids.filtered(lambda r: r.partner_id == self.customer)
        line.sudo()._portal_acknowledge(1.0)
        action = recall.with_user(self.manager).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        summary = {
            row[0]: row[1] for row in workbook["Recall"].iter_rows(values_only=True)
        }
        self.assertEqual(summary["Reference"], recall.name)
        self.assertEqual(summary["Hazard"], "Critical")
        rows = list(workbook["Customers"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        for label in ("Customer", "Shipped", "Notified on", "Status"):
            self.assertIn(label, header)
        self.assertEqual(len(body), len(recall.line_ids))
        by_customer = {row[header.index("Customer")]: row for row in body}
        row = by_customer[self.customer.display_name]
        self.assertEqual(row[header.index("Shipped")], line.qty_shipped)
        self.assertTrue(row[header.index("Notified on")])
        self.assertTrue(row[header.index("Acknowledged on")])
        self.assertEqual(row[header.index("Still Held")], 1.0)
        # no access without the recall rights, whatever the link
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assertEqual(self.url_open(action["url"]).status_code, 403)
        self.assertEqual(
            self.url_open("/pet_aftersales/recall/999999/export.xlsx").status_code, 404
        )
