from odoo import Command

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
