from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_rma import RESOLUTIONS, STATES


class AftersalesRmaReport(models.Model):
    """Return analysis: returned lines and customer deliveries side by side,
    so that the return rate (returned / delivered quantity) holds at any
    grouping (product, category, month...)."""

    _name = "aftersales.rma.report"
    _description = "After-sales Return Analysis"
    _inherit = ["aftersales.report.ratio.mixin"]
    _auto = False
    _order = "date desc"
    # the rate of a group is the ratio of its sums, not a sum of ratios
    _aftersales_ratio_measures = {
        "return_rate": ("returned_qty", "delivered_qty", 100.0)
    }

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    rma_id = fields.Many2one("aftersales.rma", string="Return", readonly=True)
    reason_id = fields.Many2one(
        "aftersales.return.reason", string="Return Reason", readonly=True
    )
    state = fields.Selection(
        STATES,
        string="Return Status",
        readonly=True,
    )
    resolution = fields.Selection(RESOLUTIONS, readonly=True)
    is_return = fields.Boolean(
        string="Return Line",
        readonly=True,
        help="Set on returned lines; deliveries to customers are the other rows.",
    )
    returned_qty = fields.Float(
        string="Returned Quantity", readonly=True, aggregator="sum"
    )
    delivered_qty = fields.Float(
        string="Delivered Quantity", readonly=True, aggregator="sum"
    )
    return_rate = fields.Float(
        string="Return Rate (%)",
        readonly=True,
        aggregator="sum",
        help="Returned quantity / delivered quantity of the same rows.",
    )
    refund_amount = fields.Float(readonly=True, aggregator="sum")
    approve_hours = fields.Float(
        string="Time to Approve (hours)",
        readonly=True,
        aggregator="avg",
        help="Wall-clock hours from the request to its approval.",
    )
    inspect_hours = fields.Float(
        string="Time to Inspect (hours)",
        readonly=True,
        aggregator="avg",
        help="Wall-clock hours from receipt of the goods to the end of the "
        "inspection (return done).",
    )

    def _query(self):
        return SQL(
            """
            SELECT l.id * 2 AS id,
                   r.create_date AS date,
                   r.company_id AS company_id,
                   r.partner_id AS partner_id,
                   l.product_id AS product_id,
                   pt.categ_id AS categ_id,
                   r.id AS rma_id,
                   r.reason_id AS reason_id,
                   r.state AS state,
                   r.resolution AS resolution,
                   TRUE AS is_return,
                   l.product_uom_qty AS returned_qty,
                   0.0 AS delivered_qty,
                   0.0 AS return_rate,
                   COALESCE((
                       SELECT sum(aml.price_subtotal)
                         FROM aftersales_rma_refund_move_rel rel
                         JOIN account_move am ON am.id = rel.move_id
                                              AND am.state = 'posted'
                         JOIN account_move_line aml ON aml.move_id = am.id
                                                   AND aml.product_id = l.product_id
                                                   AND aml.display_type = 'product'
                        WHERE rel.rma_id = r.id), 0.0) AS refund_amount,
                   EXTRACT(EPOCH FROM r.approved_date - r.create_date) / 3600.0
                       AS approve_hours,
                   EXTRACT(EPOCH FROM r.done_date - r.received_date) / 3600.0
                       AS inspect_hours
              FROM aftersales_rma_line l
              JOIN aftersales_rma r ON r.id = l.rma_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE r.state NOT IN ('draft', 'cancelled')
            UNION ALL
            SELECT sm.id * 2 + 1 AS id,
                   sm.date AS date,
                   sm.company_id AS company_id,
                   sm.partner_id AS partner_id,
                   sm.product_id AS product_id,
                   pt.categ_id AS categ_id,
                   NULL AS rma_id,
                   NULL AS reason_id,
                   NULL AS state,
                   NULL AS resolution,
                   FALSE AS is_return,
                   0.0 AS returned_qty,
                   sm.product_qty AS delivered_qty,
                   0.0 AS return_rate,
                   0.0 AS refund_amount,
                   NULL AS approve_hours,
                   NULL AS inspect_hours
              FROM stock_move sm
              JOIN stock_location dest ON dest.id = sm.location_dest_id
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sm.state = 'done' AND dest.usage = 'customer'
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
