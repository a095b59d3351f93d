"""A return authorization line: one product (and lot) of the sales order,
its requested, received and inspected quantities."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import (
    SQL,
    float_compare,
)

# the goods of a return can change until it is approved
GOODS_EDITABLE_STATES = ("draft", "submitted")
# a rejected or cancelled return holds nothing: the customer can ask again
QTY_RELEASED_STATES = ("rejected", "cancelled")
LOCKED_LINE_FIELDS = {"sale_line_id", "product_id", "lot_id", "quantity", "uom_id"}


class AftersalesRmaLine(models.Model):
    _name = "aftersales.rma.line"
    _description = "Return Authorization Line"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one(
        "aftersales.rma",
        string="Return",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="rma_id.currency_id")
    state = fields.Selection(related="rma_id.state")
    reason_id = fields.Many2one(
        related="rma_id.reason_id", store=True, string="Return Reason"
    )
    partner_id = fields.Many2one(
        related="rma_id.partner_id", store=True, string="Customer"
    )
    request_date = fields.Datetime(
        related="rma_id.create_date", store=True, string="Requested on"
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        index="btree_not_null",
        check_company=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        index=True,
        compute="_compute_product_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    allowed_lot_ids = fields.Many2many(
        "stock.lot", compute="_compute_allowed_lot_ids", string="Delivered Lots"
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        check_company=True,
        index="btree_not_null",
        domain="[('id', 'in', allowed_lot_ids)]",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        precompute=True,
        readonly=False,
    )
    quantity = fields.Float(
        string="Requested Quantity",
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
    )
    product_uom_qty = fields.Float(
        compute="_compute_product_uom_qty",
        store=True,
        digits="Product Unit of Measure",
        string="Quantity in Product Unit",
    )
    amount = fields.Monetary(
        string="Value",
        compute="_compute_amount",
        store=True,
        currency_field="currency_id",
        help="Price paid for the requested quantity, taxes and discounts included.",
    )
    received_qty = fields.Float(
        string="Received Quantity",
        digits="Product Unit of Measure",
        copy=False,
        compute="_compute_received_qty",
        store=True,
        help="What the validated return receipts brought back for this line, "
        "lot first; the refund never credits more.",
    )
    inspection_result = fields.Selection(
        [("pending", "Pending"), ("passed", "Passed"), ("failed", "Failed")],
        default="pending",
        required=True,
        copy=False,
    )
    inspection_note = fields.Text(copy=False)
    inspection_date = fields.Datetime(copy=False, readonly=True)
    original_packaging = fields.Boolean(
        string="Original Packaging Intact",
        help="The goods come back in their original, intact packaging and can "
        "be sold again.",
    )

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "The requested quantity must be positive.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_goods_editable()
        return lines

    def write(self, vals):
        if "received_qty" in vals:
            raise UserError(
                self.env._(
                    "The received quantity comes from the validated return "
                    "receipts: receive the goods in Inventory."
                )
            )
        if LOCKED_LINE_FIELDS.intersection(vals):
            self._check_goods_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._check_goods_editable()

    def _check_goods_editable(self):
        """What comes back is decided at approval: products, lots and
        quantities are locked from then on (back to draft to change them)."""
        locked = self.rma_id.filtered(
            lambda rma: rma.state not in GOODS_EDITABLE_STATES
        )
        if locked:
            raise UserError(
                self.env._(
                    "The products, lots and quantities of %(names)s are locked "
                    "since its approval: send it back to draft to change them.",
                    names=", ".join(locked.mapped("name")),
                )
            )

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for line in self:
            line.product_id = line.sale_line_id.product_id or line.product_id

    @api.depends("product_id", "sale_line_id")
    def _compute_uom_id(self):
        for line in self:
            line.uom_id = line.sale_line_id.product_uom or line.product_id.uom_id

    @api.depends("quantity", "uom_id", "product_id")
    def _compute_product_uom_qty(self):
        for line in self:
            if (
                line.uom_id
                and line.product_id
                and line.uom_id != line.product_id.uom_id
            ):
                line.product_uom_qty = line.uom_id._compute_quantity(
                    line.quantity, line.product_id.uom_id
                )
            else:
                line.product_uom_qty = line.quantity

    @api.depends(
        "rma_id.state",
        "rma_id.return_method",
        "quantity",
        "rma_id.picking_ids.state",
        "rma_id.picking_ids.move_line_ids.quantity",
        "rma_id.picking_ids.move_line_ids.lot_id",
        "product_uom_qty",
        "lot_id",
    )
    def _compute_received_qty(self):
        """Spread the done return quantities over the lines of each return,
        lines with a lot first, each up to what it asked back. Disposed goods
        count as received once the return is approved."""
        disposed = self.filtered(lambda line: line.rma_id.return_method == "dispose")
        for line in disposed:
            line.received_qty = (
                line.quantity
                if line.rma_id.state in ("approved", "received", "done")
                else 0.0
            )
        for rma in (self - disposed).rma_id:
            done = defaultdict(float)
            for move_line in rma.picking_ids.filtered(
                lambda p: p.state == "done"
            ).move_line_ids:
                done[(move_line.product_id, move_line.lot_id)] += (
                    move_line.product_uom_id._compute_quantity(
                        move_line.quantity, move_line.product_id.uom_id
                    )
                )
            for line in rma.line_ids.sorted(lambda line: not line.lot_id):
                keys = (
                    [(line.product_id, line.lot_id)]
                    if line.lot_id
                    else [key for key in done if key[0] == line.product_id]
                )
                received = 0.0
                for key in keys:
                    take = min(done.get(key, 0.0), line.product_uom_qty - received)
                    if take > 0:
                        done[key] -= take
                        received += take
                if line in self:
                    line.received_qty = line.product_id.uom_id._compute_quantity(
                        received, line.uom_id or line.product_id.uom_id
                    )
        for line in self.filtered(lambda line: not line.rma_id):
            line.received_qty = 0.0

    @api.depends("quantity", "sale_line_id.price_total", "sale_line_id.product_uom_qty")
    def _compute_amount(self):
        for line in self:
            sale_line = line.sale_line_id.sudo()
            if sale_line and sale_line.product_uom_qty:
                line.amount = (line.currency_id or sale_line.currency_id).round(
                    sale_line.price_total / sale_line.product_uom_qty * line.quantity
                )
            else:
                line.amount = 0.0

    @api.depends("sale_line_id")
    def _compute_allowed_lot_ids(self):
        lots = self.sale_line_id.sudo()._aftersales_delivered_lots()
        for line in self:
            line.allowed_lot_ids = lots.get(line.sale_line_id.id, self.env["stock.lot"])

    @api.constrains("quantity", "sale_line_id", "rma_id")
    def _check_quantity(self):
        lines = self.filtered(
            lambda line: line.sale_line_id
            and line.rma_id.state not in QTY_RELEASED_STATES
        )
        sale_lines = lines.sale_line_id.sudo()
        if not sale_lines:
            return
        # Serialize concurrent requests on the same sale lines: the lock waits
        # for the other transaction, the touch makes it retry on its commit.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order_line WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(sale_lines.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET write_date = write_date WHERE id IN %s",
                tuple(sale_lines.ids),
            )
        )
        requested = sale_lines._aftersales_requested_qty()
        shipped = sale_lines._aftersales_shipped_qty()
        for sale_line in sale_lines:
            asked = requested.get(sale_line.id, 0.0)
            if (
                float_compare(
                    asked,
                    shipped.get(sale_line.id, 0.0),
                    precision_rounding=sale_line.product_uom.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: %(asked)s requested for return over all open "
                        "returns, but only %(delivered)s delivered on order "
                        "%(order)s.",
                        product=sale_line.product_id.display_name,
                        asked=asked,
                        delivered=shipped.get(sale_line.id, 0.0),
                        order=sale_line.order_id.name,
                    )
                )
        delivered_lots = sale_lines._aftersales_delivered_lots()
        for line in lines.filtered("lot_id"):
            if line.lot_id not in delivered_lots.get(line.sale_line_id.id, ()):
                raise ValidationError(
                    self.env._(
                        "Lot %(lot)s was not delivered with %(product)s on order "
                        "%(order)s.",
                        lot=line.lot_id.name,
                        product=line.product_id.display_name,
                        order=line.sale_line_id.order_id.name,
                    )
                )

    def _policy_values(self):
        self.ensure_one()
        return {
            "sale_line": self.sale_line_id,
            "product": self.product_id,
            "quantity": self.quantity,
            "original_packaging": self.original_packaging,
        }

    def _delivery_moves(self):
        """Done moves that brought this line's goods to the customer."""
        self.ensure_one()
        outgoing = self.sale_line_id._get_outgoing_incoming_moves()[0]
        moves = outgoing.filtered(
            lambda m: m.state == "done" and m.product_id == self.product_id
        )
        if self.lot_id:
            with_lot = moves.filtered(lambda m: self.lot_id in m.move_line_ids.lot_id)
            moves = with_lot + (moves - with_lot)
        return moves.sorted(lambda m: m.date, reverse=True)

    def _set_inspection(self, result, note=None):
        if any(line.rma_id.state != "received" for line in self):
            raise UserError(self.env._("Inspect the goods once they are received."))
        vals = {"inspection_result": result, "inspection_date": fields.Datetime.now()}
        if note is not None:
            vals["inspection_note"] = note
        self.write(vals)
        for rma in self.rma_id:
            rma.message_post(
                body=self.env._(
                    "Inspection of %(products)s: %(result)s.",
                    products=", ".join(
                        (self & rma.line_ids).product_id.mapped("display_name")
                    ),
                    result=dict(
                        self._fields["inspection_result"]._description_selection(
                            self.env
                        )
                    )[result],
                )
            )
        return True

    def action_inspection_pass(self):
        return self._set_inspection("passed")

    def action_inspection_fail(self):
        return self._set_inspection("failed")
