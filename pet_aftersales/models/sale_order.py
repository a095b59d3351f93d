from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    aftersales_case_ids = fields.One2many(
        "aftersales.case", "sale_order_id", string="After-sales Cases"
    )
    aftersales_case_count = fields.Integer(
        string="Case Count", compute="_compute_aftersales_case_count"
    )
    aftersales_rma_ids = fields.One2many(
        "aftersales.rma", "sale_order_id", string="Returns"
    )
    aftersales_rma_count = fields.Integer(
        string="Return Count", compute="_compute_aftersales_rma_count"
    )

    @api.depends("aftersales_case_ids")
    def _compute_aftersales_case_count(self):
        counts = dict(
            self.env["aftersales.case"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.aftersales_case_count = counts.get(order, 0)

    @api.depends("aftersales_rma_ids")
    def _compute_aftersales_rma_count(self):
        counts = dict(
            self.env["aftersales.rma"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.aftersales_rma_count = counts.get(order, 0)

    def action_view_aftersales_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_view_aftersales_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_rma_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def _prepare_aftersales_case_vals(self, category=None, channel="phone"):
        self.ensure_one()
        product = self.order_line.product_id[:1]
        vals = {
            "name": self.env._("After-sales for %(order)s", order=self.name),
            "partner_id": self.partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
            "channel": channel,
        }
        if product:
            vals["product_id"] = product.id
        if category:
            vals["category_id"] = category.id
            vals["name"] = self.env._(
                "%(category)s: %(order)s", category=category.name, order=self.name
            )
        return vals

    def action_new_aftersales_case(self):
        """Open a new case form prefilled from the order."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        vals = self._prepare_aftersales_case_vals()
        action.update(
            {
                "views": [(False, "form")],
                "view_mode": "form",
                "context": {f"default_{key}": value for key, value in vals.items()},
            }
        )
        return action

    def action_report_abnormal_order(self, category_code="order"):
        """Open an abnormal-order case (异常订单) for each selected order."""
        category = self.env["aftersales.category"].search(
            [
                ("code", "=", category_code),
                ("company_id", "in", [False, *self.company_id.ids]),
            ],
            limit=1,
        )
        if not category:
            raise UserError(
                self.env._(
                    "No after-sales category with the code %(code)s exists.",
                    code=category_code,
                )
            )
        cases = self.env["aftersales.case"].create(
            [order._prepare_aftersales_case_vals(category) for order in self]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        if len(cases) == 1:
            action.update(
                {"views": [(False, "form")], "view_mode": "form", "res_id": cases.id}
            )
        else:
            action["domain"] = [("id", "in", cases.ids)]
            action["context"] = {}
        return action

    def _aftersales_returnable_quantities(self):
        """Delivered lines a customer may still ask to return, with the
        quantity left (what the return policy engine accepts).

        :return: {sale.order.line: float}, only lines with something left
        """
        lines = self.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == "consu"
        )
        returnable = lines._aftersales_returnable_qty()
        return {line: returnable[line.id] for line in lines if returnable[line.id] > 0}

    # ------------------------------------------------------------
    # RETURNS
    # ------------------------------------------------------------

    def action_aftersales_request_return(self):
        """Open a new return prefilled with what was delivered and can still
        come back."""
        self.ensure_one()
        if self.state != "sale":
            raise UserError(self.env._("Only confirmed orders can be returned."))
        line_vals = self.env["aftersales.rma"]._prepare_line_vals_from_sale_lines(
            self.order_line.filtered(lambda line: not line.display_type)
        )
        if not line_vals:
            raise UserError(
                self.env._(
                    "Nothing can be returned on %(order)s: nothing delivered yet, "
                    "or everything already returned.",
                    order=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Return"),
            "res_model": "aftersales.rma",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_sale_order_id": self.id,
                "default_company_id": self.company_id.id,
                "default_line_ids": [Command.create(vals) for vals in line_vals],
            },
        }


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The sales order form reads this field (product documents' domain). The
    # first 18.0 computes it as the user, and the product documents' "Visible
    # at" field it filters on is for salespeople only: an after-sales agent
    # could not open the sales order of a case. Later 18.0 computes it as
    # superuser (it only lists ids); the floor gets the same.
    available_product_document_ids = fields.Many2many(compute_sudo=True)

    def _aftersales_done_outgoing_moves(self):
        """Done moves that brought each line's goods to the customer (the last
        step of a multi-step route only), per line id."""
        self.move_ids.mapped("move_line_ids.lot_id")  # prefetch for all lines
        result = {}
        for line in self:
            outgoing = line._get_outgoing_incoming_moves()[0]
            result[line.id] = outgoing.filtered(lambda m: m.state == "done")
        return result

    def _aftersales_delivery_dates(self):
        """When each delivered line was last delivered, per line id."""
        result = {}
        for line_id, moves in self._aftersales_done_outgoing_moves().items():
            dates = [m.picking_id.date_done or m.date for m in moves]
            if dates:
                result[line_id] = max(dates)
        return result

    def _aftersales_shipped_qty(self):
        """Quantity sent to the customer (deliveries, exchanges), in the line's
        unit, returns not deducted: the ceiling of all returns requested."""
        moves_by_line = self._aftersales_done_outgoing_moves()
        return {
            line.id: sum(
                move.product_uom._compute_quantity(
                    move.quantity, line.product_uom, rounding_method="HALF-UP"
                )
                for move in moves_by_line[line.id]
            )
            for line in self
        }

    def _aftersales_requested_qty(self):
        """Quantity held by returns, per line id, in the line's unit: what open
        and received returns ask back, what finished ones really took back.
        Rejected and cancelled returns hold nothing."""
        RmaLine = self.env["aftersales.rma.line"].sudo()
        held = defaultdict(float)  # in the product's unit
        for sale_line, qty in RmaLine._read_group(
            [
                ("sale_line_id", "in", self.ids),
                ("rma_id.state", "in", ("draft", "submitted", "approved", "received")),
            ],
            ["sale_line_id"],
            ["product_uom_qty:sum"],
        ):
            held[sale_line.id] += qty
        for sale_line, uom, qty in RmaLine._read_group(
            [("sale_line_id", "in", self.ids), ("rma_id.state", "=", "done")],
            ["sale_line_id", "uom_id"],
            ["received_qty:sum"],
        ):
            product_uom = sale_line.product_id.uom_id
            held[sale_line.id] += (uom or product_uom)._compute_quantity(
                qty, product_uom, rounding_method="HALF-UP"
            )
        return {
            line.id: line.product_id.uom_id._compute_quantity(
                held[line.id], line.product_uom, rounding_method="HALF-UP"
            )
            for line in self
            if line.id in held
        }

    def _aftersales_returnable_qty(self):
        """Quantity that can still be asked back, per line id."""
        shipped = self._aftersales_shipped_qty()
        requested = self._aftersales_requested_qty()
        return {
            line.id: max(shipped.get(line.id, 0.0) - requested.get(line.id, 0.0), 0.0)
            for line in self
        }

    def _aftersales_delivered_lots(self):
        """Lots delivered on each line, per line id."""
        result = {}
        for line_id, moves in self._aftersales_done_outgoing_moves().items():
            result[line_id] = moves.move_line_ids.lot_id
        return result

    def _aftersales_returnable_lot_qty(self):
        """Per line id, {lot: delivered quantity not asked back yet}."""
        requested = defaultdict(float)
        for sale_line, lot, qty in (
            self.env["aftersales.rma.line"]
            .sudo()
            ._read_group(
                [
                    ("sale_line_id", "in", self.ids),
                    ("lot_id", "!=", False),
                    ("rma_id.state", "!=", "cancelled"),
                ],
                ["sale_line_id", "lot_id"],
                ["quantity:sum"],
            )
        ):
            requested[(sale_line.id, lot)] += qty
        result = {}
        for line_id, moves in self._aftersales_done_outgoing_moves().items():
            lots = defaultdict(float)
            for move_line in moves.move_line_ids.filtered("lot_id"):
                lots[move_line.lot_id] += move_line.quantity
            result[line_id] = {
                lot: qty - requested[(line_id, lot)]
                for lot, qty in lots.items()
                if qty - requested[(line_id, lot)] > 0
            }
        return result
