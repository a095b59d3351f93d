from collections import defaultdict

from odoo import api, fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    aftersales_returnable = fields.Boolean(
        string="Returnable",
        default=True,
        help="Products of this category can be returned within the return " "period.",
    )
    aftersales_return_days = fields.Integer(
        string="Return Period (days)",
        help="No-reason return period for this category. 0 = company default.",
    )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    aftersales_returnable = fields.Boolean(
        string="Returnable",
        compute="_compute_aftersales_returnable",
        store=True,
        readonly=False,
        help="This product can be returned within the return period. Follows "
        "the product category unless set here.",
    )
    aftersales_return_days = fields.Integer(
        string="Return Period (days)",
        help="No-reason return period for this product. 0 = the category's "
        "period, or else the company default.",
    )

    aftersales_returned_qty = fields.Float(
        string="Returned Quantity",
        compute="_compute_aftersales_return_rate",
        digits="Product Unit of Measure",
        help="Quantity asked back in returns that were not cancelled or rejected.",
    )
    aftersales_delivered_qty = fields.Float(
        string="Delivered Quantity",
        compute="_compute_aftersales_return_rate",
        digits="Product Unit of Measure",
    )
    aftersales_return_rate = fields.Float(
        string="Return Rate (%)",
        compute="_compute_aftersales_return_rate",
        digits=(16, 1),
        help="Returned quantity over delivered quantity, in percent (target: "
        "below 5%).",
    )

    @api.depends("categ_id.aftersales_returnable")
    def _compute_aftersales_returnable(self):
        for template in self:
            template.aftersales_returnable = template.categ_id.aftersales_returnable

    def _compute_aftersales_return_rate(self):
        returned = defaultdict(float)
        for product, qty in (
            self.env["aftersales.rma.line"]
            .sudo()
            ._read_group(
                [
                    ("product_id.product_tmpl_id", "in", self.ids),
                    ("rma_id.state", "not in", ("cancelled", "rejected")),
                ],
                ["product_id"],
                ["product_uom_qty:sum"],
            )
        ):
            returned[product.product_tmpl_id.id] += qty
        delivered = defaultdict(float)
        for product, qty in (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("product_id.product_tmpl_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                    ("origin_returned_move_id", "=", False),
                ],
                ["product_id"],
                ["product_qty:sum"],
            )
        ):
            delivered[product.product_tmpl_id.id] += qty
        for template in self:
            template.aftersales_returned_qty = returned[template.id]
            template.aftersales_delivered_qty = delivered[template.id]
            template.aftersales_return_rate = (
                100.0 * returned[template.id] / delivered[template.id]
                if delivered[template.id]
                else 0.0
            )

    def action_aftersales_start_recall(self):
        """Open the recall of every lot of this product (started if there is
        none yet)."""
        self.ensure_one()
        products = self.sudo().product_variant_ids
        recall = self.env["aftersales.recall"]._start_for(
            products,
            self.env["stock.lot"],
            self.company_id or self.env.company,
        )
        return recall._get_formview_action()

    def action_view_aftersales_rma_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_rma_line_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        return action
