from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .recall_common import RecallCommon


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
