from odoo import api, fields, models
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
