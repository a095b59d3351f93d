from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def action_aftersales_start_recall(self):
        """Open the recall of these lots (started if there is none yet)."""
        lots = self.sudo()
        recall = self.env["aftersales.recall"]._start_for(
            lots.product_id, lots, lots.company_id[:1] or self.env.company
        )
        return recall._get_formview_action()
