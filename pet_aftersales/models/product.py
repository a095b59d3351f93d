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

    @api.depends("categ_id")
    def _compute_aftersales_returnable(self):
        for template in self:
            template.aftersales_returnable = template.categ_id.aftersales_returnable
