from odoo import Command
from odoo.tests import freeze_time

from .common import AftersalesCommon

DELIVERY_DATE = "2026-03-02 10:00:00"  # a Monday


class RmaCommon(AftersalesCommon):
    """A delivered and invoiced order of 5 units in two lots, and a helper to
    ask for returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("stock.group_production_lot")
        cls.company.write(
            {"aftersales_return_days": 7, "aftersales_auto_approve_amount": 0.0}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.category = cls.env["product.category"].create({"name": "Pet Food"})
        cls.tax = cls.env["account.tax"].create(
            {
                "name": "VAT 13%",
                "amount": 13.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Salmon Kibble 2 kg",
                "is_storable": True,
                "tracking": "lot",
                "categ_id": cls.category.id,
                "list_price": 100.0,
                "taxes_id": [Command.set(cls.tax.ids)],
                "invoice_policy": "delivery",
            }
        )
        cls.lot_a, cls.lot_b, cls.lot_other = cls.env["stock.lot"].create(
            [
                {"name": "LOT-A", "product_id": cls.product.id},
                {"name": "LOT-B", "product_id": cls.product.id},
                {"name": "LOT-OTHER", "product_id": cls.product.id},
            ]
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(
            cls.product, cls.stock_location, 3.0, lot_id=cls.lot_a
        )
        Quant._update_available_quantity(
            cls.product, cls.stock_location, 2.0, lot_id=cls.lot_b
        )
        Quant._update_available_quantity(
            cls.product, cls.stock_location, 20.0, lot_id=cls.lot_other
        )
        cls.reason_no_reason = cls.env.ref(
            "pet_aftersales.aftersales_return_reason_no_reason"
        )
        cls.reason_quality = cls.env.ref(
            "pet_aftersales.aftersales_return_reason_quality"
        )
        cls.reason_transit = cls.env.ref(
            "pet_aftersales.aftersales_return_reason_damaged_transit"
        )
        cls.order = cls._deliver_order(cls.customer, cls.product, 5.0, lots=True)

    @classmethod
    def _deliver_order(cls, partner, product, qty, lots=False, invoice=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": 100.0,
                            "discount": 10.0,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        if lots:
            # deliver 3 of LOT-A and 2 of LOT-B
            picking.move_ids.move_line_ids.unlink()
            cls.env["stock.move.line"].create(
                [
                    {
                        "move_id": picking.move_ids.id,
                        "picking_id": picking.id,
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "lot_id": lot.id,
                        "quantity": lot_qty,
                        "location_id": picking.location_id.id,
                        "location_dest_id": picking.location_dest_id.id,
                    }
                    for lot, lot_qty in ((cls.lot_a, 3.0), (cls.lot_b, 2.0))
                ]
            )
        else:
            picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        with freeze_time(DELIVERY_DATE):
            picking._action_done()
        if invoice:
            invoice_move = order._create_invoices()
            invoice_move.action_post()
        return order

    def _rma_vals(self, qty=1.0, reason=None, lot=None, packaging=True, order=None):
        order = order or self.order
        return {
            "partner_id": order.partner_id.id,
            "sale_order_id": order.id,
            "reason_id": (reason or self.reason_no_reason).id,
            "line_ids": [
                Command.create(
                    {
                        "sale_line_id": order.order_line[0].id,
                        "quantity": qty,
                        "lot_id": lot.id if lot else False,
                        "original_packaging": packaging,
                    }
                )
            ],
        }

    def _make_rma(self, **kwargs):
        return self.env["aftersales.rma"].create(self._rma_vals(**kwargs))

    def _receive(self, rma, user=None):
        """The warehouse validates the return receipt (as ``user``, a
        storekeeper who cannot read returns, when given)."""
        pickings = rma.sudo().picking_ids
        if user:
            pickings = pickings.with_user(user)
        for picking in pickings:
            for move in picking.move_ids:
                if not move.move_line_ids:
                    move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
