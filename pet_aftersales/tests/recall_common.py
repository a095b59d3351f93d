from odoo import Command
from odoo.tests import new_test_user

from .common import AftersalesCommon


class RecallCommon(AftersalesCommon):
    """A warehouse that delivers in two steps (pick, then ship), a lot of
    kibble delivered to two customers, one of whom sent a unit back, and a
    third customer who got another lot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("stock.group_production_lot")
        cls.company.write(
            {
                "aftersales_return_days": 7,
                "aftersales_auto_approve_amount": 0.0,
                "aftersales_recall_reminder_days": 3,
                "aftersales_recall_call_days": 7,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.warehouse.delivery_steps = "pick_ship"
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.product = cls.env["product.product"].create(
            {
                "name": "Chicken Kibble 5 kg",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 50.0,
                "invoice_policy": "delivery",
                "taxes_id": [Command.clear()],
            }
        )
        cls.lot, cls.lot_other = cls.env["stock.lot"].create(
            [
                {"name": "KB-2026-07", "product_id": cls.product.id},
                {"name": "KB-2026-08", "product_id": cls.product.id},
            ]
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(
            cls.product, cls.stock_location, 20.0, lot_id=cls.lot
        )
        Quant._update_available_quantity(
            cls.product, cls.stock_location, 10.0, lot_id=cls.lot_other
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Wang Lei", "email": "wang.lei@example.com"}
        )
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Lin Hua", "email": "lin.hua@example.com"}
        )
        cls.order_a = cls._deliver(cls.customer, 3.0, cls.lot)
        cls.order_b = cls._deliver(cls.customer_b, 2.0, cls.lot)
        cls.order_c = cls._deliver(cls.customer_c, 4.0, cls.lot_other)
        cls._return_from_customer(cls.order_b, 1.0)
        cls.portal_user = new_test_user(
            cls.env,
            login="recall_portal",
            name="Chen Mei Portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )

    @classmethod
    def _done(cls, picking, lot, qty):
        picking.move_ids.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": cls.product.id,
                "product_uom_id": cls.product.uom_id.id,
                "lot_id": lot.id,
                "quantity": qty,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
        )
        picking.move_ids.picked = True
        picking._action_done()

    @classmethod
    def _deliver(cls, partner, qty, lot):
        """Sell, pick, ship and invoice ``qty`` units of ``lot``."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": 50.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        pick = order.picking_ids.filtered(
            lambda p: p.picking_type_id == cls.warehouse.pick_type_id
        )
        cls._done(pick, lot, qty)
        ship = order.picking_ids.filtered(
            lambda p: p.picking_type_id == cls.warehouse.out_type_id
        )
        ship.action_assign()
        cls._done(ship, lot, qty)
        order._create_invoices().action_post()
        return order

    @classmethod
    def _return_from_customer(cls, order, qty):
        """The customer sends ``qty`` back through a plain Odoo return."""
        ship = order.picking_ids.filtered(
            lambda p: p.picking_type_id == cls.warehouse.out_type_id
        )
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=ship.id, active_model="stock.picking")
            .create({"picking_id": ship.id})
        )
        wizard.product_return_moves.quantity = qty
        back = wizard._create_return()
        cls._done(back, ship.move_line_ids.lot_id, qty)
        return back

    def _start_recall(self, **vals):
        recall = (
            self.env["aftersales.recall"]
            .with_user(self.supervisor)
            .create(
                {
                    "product_ids": [Command.set(self.product.ids)],
                    "lot_ids": [Command.set(self.lot.ids)],
                    "reason": "Salmonella found in lot KB-2026-07.",
                    "hazard": "critical",
                    "instruction": "dispose",
                    **vals,
                }
            )
        )
        recall.action_open()
        return recall

    def _notice_mails(self, recall):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "aftersales.recall.line"),
                    ("res_id", "in", recall.line_ids.ids),
                ]
            )
        )
