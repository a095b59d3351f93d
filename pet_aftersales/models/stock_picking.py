from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    aftersales_rma_ids = fields.Many2many(
        "aftersales.rma",
        "aftersales_rma_return_picking_rel",
        "picking_id",
        "rma_id",
        string="Return Authorizations",
        copy=False,
    )

    def _action_done(self):
        res = super()._action_done()
        rmas = self.aftersales_rma_ids.filtered(lambda rma: rma.state == "approved")
        rmas = rmas.filtered(
            lambda rma: all(p.state in ("done", "cancel") for p in rma.picking_ids)
        )
        if rmas:
            rmas.sudo().action_receive()
        return res
