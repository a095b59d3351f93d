from odoo import api, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    aftersales_quarantine = fields.Boolean(
        string="Recall Quarantine",
        help="Recalled goods wait here, outside the stock that deliveries "
        "take from.",
    )

    @api.model
    def _aftersales_quarantine_location(self, warehouse):
        """The quarantine location of ``warehouse``, created on first use
        next to (not inside) its stock location, so no delivery reserves
        from it."""
        location = self.sudo().search(
            [
                ("aftersales_quarantine", "=", True),
                ("warehouse_id", "=", warehouse.id),
                ("company_id", "=", warehouse.company_id.id),
            ],
            limit=1,
        )
        if location:
            return location
        return self.sudo().create(
            {
                "name": self.env._("Recall Quarantine"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": warehouse.company_id.id,
                "aftersales_quarantine": True,
            }
        )
