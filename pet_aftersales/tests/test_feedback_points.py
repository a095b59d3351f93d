import threading
import time

import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase

from .feedback_common import FeedbackCommon


class TestFeedbackPointsRevoke(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Cat Tree", "list_price": 100, "taxes_id": False}
        )

    def _order_earning_points(self, qty=2):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": qty})
                ],
            }
        )
        order._update_programs_and_rewards()
        order.action_confirm()
        return order

    def _rma(self, order):
        return self.env["aftersales.rma"].create(
            {"partner_id": self.customer.id, "sale_order_id": order.id}
        )

    def test_revoke_in_proportion_once(self):
        order = self._order_earning_points()
        card = self._card()
        earned = self.env["loyalty.history"].search(
            [
                ("order_model", "=", "sale.order"),
                ("order_id", "=", order.id),
                ("card_id", "=", card.id),
            ]
        )
        self.assertEqual(earned.issued, 200, "1 point per unit of currency")
        self.assertEqual(card.points, 200)
        rma = self._rma(order)
        revoked = self.env["aftersales.rma"]._aftersales_revoke_order_points(rma, 0.5)
        revoked = revoked.filtered(lambda line: line.card_id == card)
        self.assertEqual(revoked.used, 100)
        self.assertEqual(revoked.aftersales_rma_id, rma)
        self.assertIn(rma.name, revoked.description)
        self.assertEqual(card.points, 100)
        # a retry of the same refund takes nothing more
        self.env["aftersales.rma"]._aftersales_revoke_order_points(rma, 0.5)
        self.assertEqual(card.points, 100)

    def test_refund_takes_back_order_points(self):
        """Finishing a refund return of half the order takes half its points."""
        order = self._order_earning_points(qty=2)
        card = self._card()
        self.assertEqual(card.points, 200)
        sale_line = order.order_line.filtered(
            lambda line: line.product_id == self.product
        )
        delivery = order.picking_ids
        delivery.move_ids.quantity = 2
        delivery.move_ids.picked = True
        delivery.button_validate()
        rma = (
            self.env["aftersales.rma"]
            .with_user(self.agent)
            .create(
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": order.id,
                    "resolution": "refund",
                    "reason_id": self.env.ref(
                        "pet_aftersales.aftersales_return_reason_quality"
                    ).id,
                    "line_ids": [
                        Command.create({"sale_line_id": sale_line.id, "quantity": 1})
                    ],
                }
            )
        )
        rma.action_submit()
        rma = rma.with_user(self.supervisor)
        rma.action_approve()
        # the warehouse receives the unit back
        receipt = rma.sudo().picking_ids
        receipt.move_ids.quantity = 1
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(rma.state, "received")
        rma.line_ids.action_inspection_pass()
        rma.action_done()
        self.assertEqual(rma.state, "done")
        self.assertAlmostEqual(card.points, 100)
        revoked = card.history_ids.filtered(lambda h: h.aftersales_rma_id == rma)
        self.assertEqual(revoked.used, 100)
        # a repeated click on Done takes nothing more
        rma.action_done()
        self.assertAlmostEqual(card.points, 100)

    def test_revoke_never_below_zero(self):
        order = self._order_earning_points()
        card = self._card()
        card.points = 30  # the customer spent most of them
        rma = self._rma(order)
        revoked = self.env["aftersales.rma"]._aftersales_revoke_order_points(rma, 1.0)
        revoked = revoked.filtered(lambda line: line.card_id == card)
        self.assertEqual(revoked.used, 30)
        self.assertEqual(card.points, 0)
        note = rma.message_ids.filtered(lambda msg: "Only 30" in msg.body)
        self.assertEqual(len(note), 1)
        self.assertIn("200", note.body)

    def test_feedback_points_are_not_revoked(self):
        """Revocation only takes what the order earned, not feedback rewards."""
        order = self._order_earning_points(qty=1)
        case = self._closed_case()
        self._answer(case.survey_user_input_id, {"speed": 5})
        card = self._card()
        self.assertEqual(card.points, 110)
        rma = self._rma(order)
        self.env["aftersales.rma"]._aftersales_revoke_order_points(rma, 1.0)
        self.assertEqual(card.points, 10)


class TestFeedbackPointsRace(TransactionCase):
    """Two feedbacks of one customer rewarded at once, in two real
    transactions: the monthly cap holds by its own lock."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            self.saved = {
                fname: company[fname].id if fname.endswith("_id") else company[fname]
                for fname in (
                    "aftersales_loyalty_program_id",
                    "aftersales_feedback_points",
                    "aftersales_feedback_points_monthly_cap",
                )
            }
            program = env["loyalty.program"].create(
                {"name": "Race points", "program_type": "loyalty", "trigger": "auto"}
            )
            company.write(
                {
                    "aftersales_loyalty_program_id": program.id,
                    "aftersales_feedback_points": 10,
                    "aftersales_feedback_points_monthly_cap": 10,
                }
            )
            partner = env["res.partner"].create({"name": "Race Customer"})
            cases = env["aftersales.case"].create(
                [{"name": f"Race {i}", "partner_id": partner.id} for i in range(2)]
            )
            self.program_id, self.partner_id = program.id, partner.id
            self.case_ids = cases.ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.company.write(self.saved)
            cards = env["loyalty.card"].search([("program_id", "=", self.program_id)])
            env["loyalty.history"].search([("card_id", "in", cards.ids)]).unlink()
            cards.unlink()
            program = env["loyalty.program"].browse(self.program_id)
            program.active = False
            program.unlink()
            cases = env["aftersales.case"].browse(self.case_ids)
            env["aftersales.alert"].search([("case_ids", "in", cases.ids)]).unlink()
            cases.unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _is_waiting(self, pid):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
            )
            row = cr.fetchone()
        return bool(row and row[0] == "Lock")

    def _grant(self, case_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["aftersales.case"].browse(case_id)._aftersales_grant_feedback_points()

    def test_monthly_cap_holds_for_two_rewards_at_once(self):
        results = {}
        barrier = threading.Barrier(2, timeout=30)
        first_done = threading.Event()

        def reward(key, case_id):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT pg_backend_pid()")
                results[f"{key}_pid"] = cr.fetchone()[0]
                # both snapshots see no points yet
                env["loyalty.history"].search_count([])
                barrier.wait()
                if key == "second":
                    first_done.wait(30)
                try:
                    env["aftersales.case"].browse(
                        case_id
                    )._aftersales_grant_feedback_points()
                except Exception as exc:  # noqa: BLE001 - checked below
                    results[key] = exc
                    cr.rollback()
                    return
                results[key] = True
                if key == "first":
                    first_done.set()
                    deadline = time.monotonic() + 15
                    while time.monotonic() < deadline and second.is_alive():
                        if self._is_waiting(results["second_pid"]):
                            break
                        time.sleep(0.05)

        first = threading.Thread(target=reward, args=("first", self.case_ids[0]))
        second = threading.Thread(target=reward, args=("second", self.case_ids[1]))
        first.start()
        second.start()
        first.join(60)
        second.join(60)
        self.assertIs(results["first"], True)
        # the second one is a concurrency error, which Odoo retries: retry it
        self.assertIsInstance(results["second"], psycopg2.errors.SerializationFailure)
        self._grant(self.case_ids[1])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cards = env["loyalty.card"].search([("program_id", "=", self.program_id)])
            self.assertEqual(len(cards), 1, "one card per customer")
            self.assertEqual(cards.points, 10, "the monthly cap of 10 points holds")
            cases = env["aftersales.case"].browse(self.case_ids)
            self.assertTrue(all(cases.mapped("feedback_points_granted")))
