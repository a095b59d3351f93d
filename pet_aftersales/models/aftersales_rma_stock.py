"""The stock side of a return: the return receipt through Odoo's own return
wizard on the delivery, the exchange shipped through the warehouse's
delivery route, and the scrap of what failed inspection."""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero


# one file per concept of a return (issue 15): the return, its line, its stock
# side, its accounting side; not merged on purpose
class AftersalesRma(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.rma"

    def _create_return_pickings(self):
        """Return the goods through Odoo's own return on the delivery, so that
        stock, lots and the sale lines' delivered quantities stay right."""
        for rma in self.filtered(lambda rma: rma.return_method != "dispose"):
            qty_by_move = defaultdict(float)
            lines_by_move = defaultdict(lambda: self.env["aftersales.rma.line"])
            for line in rma.line_ids:
                remaining = line.product_uom_qty
                for move in line._delivery_moves():
                    if remaining <= 0:
                        break
                    qty = min(remaining, move.quantity)
                    qty_by_move[move] += qty
                    lines_by_move[move] |= line
                    remaining -= qty
            by_picking = defaultdict(list)
            for move, qty in qty_by_move.items():
                by_picking[move.picking_id].append((move, qty))
            for picking, moves in by_picking.items():
                wizard = (
                    self.env["stock.return.picking"]
                    .sudo()
                    .with_context(active_id=picking.id, active_model="stock.picking")
                    .create({"picking_id": picking.id})
                )
                for return_line in wizard.product_return_moves:
                    qty = dict(moves).get(return_line.move_id, 0.0)
                    return_line.quantity = qty
                    if "to_refund" in return_line._fields:
                        return_line.to_refund = True
                wizard.product_return_moves.filtered(
                    lambda line: not line.quantity
                ).unlink()
                new_picking = wizard._create_return()
                new_picking.write(
                    {
                        "origin": self.env._(
                            "%(rma)s (return of %(picking)s)",
                            rma=rma.name,
                            picking=picking.name,
                        )
                    }
                )
                rma._prefill_return_lots(new_picking, lines_by_move)
                rma.picking_ids = [Command.link(new_picking.id)]

    def _prefill_return_lots(self, picking, lines_by_move):
        """Put the returned lots on the receipt: the warehouse confirms them."""
        for move in picking.move_ids:
            lines = lines_by_move.get(move.origin_returned_move_id)
            if not lines or not any(lines.mapped("lot_id")):
                continue
            move.move_line_ids.unlink()
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_id.uom_id.id,
                        "lot_id": line.lot_id.id,
                        "quantity": line.product_uom_qty,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                    for line in lines
                    if line.lot_id
                ]
            )

    def _create_exchange_picking(self, lines):
        """Ship the same products again within 1 business day, through the
        warehouse's own delivery route (one, two or three steps), as the
        sales order's procurement would."""
        self.ensure_one()
        if not lines:
            return
        order = self.sale_order_id or lines.sale_line_id.order_id[:1]
        partner = order.partner_shipping_id or self.partner_id
        group = self.env["procurement.group"].create(
            {
                "name": self.name,
                "partner_id": partner.id,
                "sale_id": order.id,
                "move_type": "direct",
            }
        )
        scheduled = self._business_deadline(fields.Datetime.now())
        warehouse = order.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        Procurement = self.env["procurement.group"].Procurement
        procurements = []
        for line in lines:
            sale_line = line.sale_line_id
            if sale_line:
                values = sale_line._prepare_procurement_values(group_id=group)
                values.update(date_planned=scheduled, date_deadline=scheduled)
                procurements += sale_line._create_procurements(
                    line.received_qty, line.uom_id, self.name, values
                )
                continue
            procurements.append(
                Procurement(
                    line.product_id,
                    line.received_qty,
                    line.uom_id,
                    partner.property_stock_customer,
                    line.product_id.display_name,
                    self.name,
                    self.company_id,
                    {
                        "group_id": group,
                        "warehouse_id": warehouse,
                        "partner_id": partner.id,
                        "date_planned": scheduled,
                        "date_deadline": scheduled,
                    },
                )
            )
        self.exchange_group_id = group
        self.env["procurement.group"].run(procurements)
        group.stock_move_ids.picking_id.action_assign()

    def _scrap_failed_lines(self, lines):
        """Failed inspection: the goods cannot be sold again, scrap them."""
        self.ensure_one()
        location = self.picking_ids.filtered(lambda p: p.state == "done")[
            :1
        ].location_dest_id
        scraps = self.env["stock.scrap"]
        for line in lines:
            if not location or float_is_zero(
                line.received_qty, precision_rounding=line.uom_id.rounding
            ):
                continue
            scraps |= (
                self.env["stock.scrap"]
                .sudo()
                .create(
                    {
                        "product_id": line.product_id.id,
                        "product_uom_id": line.uom_id.id,
                        "scrap_qty": line.received_qty,
                        "lot_id": line.lot_id.id,
                        "location_id": location.id,
                        "origin": self.name,
                        "company_id": self.company_id.id,
                    }
                )
            )
        for scrap in scraps:
            scrap.action_validate()
        if scraps:
            self.scrap_ids = [Command.link(scrap.id) for scrap in scraps]

    return_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_return_address_id",
        help="Where the customer sends or brings the goods back.",
    )

    exchange_picking_ids = fields.Many2many(
        "stock.picking",
        string="Exchange Deliveries",
        compute="_compute_exchange_picking_ids",
        help="Every step of the replacement's delivery (pick, pack, ship), as "
        "the warehouse's delivery route creates them.",
    )

    def _compute_return_address_id(self):
        for rma in self:
            company = rma.company_id
            warehouse = rma.picking_ids[:1].picking_type_id.warehouse_id
            rma.return_address_id = (
                company.aftersales_return_address_id
                or warehouse.partner_id
                or company.partner_id
            )

    @api.depends("exchange_group_id.stock_move_ids.picking_id")
    def _compute_exchange_picking_ids(self):
        for rma in self:
            rma.exchange_picking_ids = (
                rma.exchange_group_id.sudo().stock_move_ids.picking_id
            )

    def action_receive(self):
        """Move to received once the return receipts are validated."""
        self._check_state(("approved", "received"))
        todo = self.filtered(lambda rma: rma.state == "approved")
        for rma in todo:
            if rma.picking_ids and any(
                picking.state not in ("done", "cancel") for picking in rma.picking_ids
            ):
                raise UserError(
                    self.env._(
                        "Validate the return receipt of %(rma)s first: the goods "
                        "are received in Inventory.",
                        rma=rma.name,
                    )
                )
        if not todo:
            return True
        now = fields.Datetime.now()
        for rma in todo:
            rma.write(
                {
                    "state": "received",
                    "received_date": now,
                    "inspection_deadline": rma._business_deadline(now),
                }
            )
        todo._notify_customer("pet_aftersales.mail_template_rma_received")
        return True

    def _cancel_open_receipts(self):
        # the after-sales roles need not be Inventory users to stop a return
        self.sudo().picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).action_cancel()

    def action_view_pickings(self):
        self.ensure_one()
        return self._action_view_records(
            self.picking_ids, self.env._("Return Receipts")
        )

    def action_view_exchanges(self):
        self.ensure_one()
        return self._action_view_records(
            self.exchange_picking_ids, self.env._("Exchange Deliveries")
        )
