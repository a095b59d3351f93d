from odoo import fields, models


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    aftersales_kind = fields.Selection(
        [("feedback", "Feedback Reward"), ("revoke", "Taken Back by a Return")],
        string="After-sales Reason",
        index="btree_not_null",
        readonly=True,
    )
    aftersales_case_id = fields.Many2one(
        "aftersales.case",
        string="After-sales Case",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    aftersales_rma_id = fields.Many2one(
        "aftersales.rma",
        string="Return",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
