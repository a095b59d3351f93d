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
        # sudo: the storekeeper who validated the receipt (checked by core)
        # may not read returns; only the returns of these receipts are read,
        # and they are marked received once all their receipts are done
        rmas = self.sudo().aftersales_rma_ids.filtered(
            lambda rma: rma.state == "approved"
            and all(p.state in ("done", "cancel") for p in rma.picking_ids)
        )
        if rmas:
            rmas.action_receive()
        return res
