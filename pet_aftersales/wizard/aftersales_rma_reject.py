from odoo import fields, models


class AftersalesRmaReject(models.TransientModel):
    _name = "aftersales.rma.reject"
    _description = "Reject Return"

    rma_ids = fields.Many2many("aftersales.rma", string="Returns", required=True)
    rejection_reason = fields.Text(
        required=True, help="Why the return is refused; sent to the customer."
    )
    alternative_offer = fields.Text(
        help="What we offer instead (repair, partial refund, coupon...); sent to "
        "the customer."
    )

    def action_reject(self):
        self.ensure_one()
        self.rma_ids.action_reject(self.rejection_reason, self.alternative_offer)
        return {"type": "ir.actions.act_window_close"}
