from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesChurnReport(models.Model):
    """Churn after complaints, one row per customer and company.

    A customer with a case is measured from their first case, a customer
    without case from their first confirmed order. They churned when no
    confirmed order followed within the company's churn window. Only customers
    whose window is over are counted.
    """

    _name = "aftersales.churn.report"
    _description = "After-sales Churn Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(
        string="Reference Date",
        readonly=True,
        help="First case, or first confirmed order for customers without case.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    has_case = fields.Boolean(string="With After-sales Case", readonly=True)
    nbr = fields.Integer(string="# Customers", readonly=True, aggregator="sum")
    churned = fields.Integer(string="# Churned", readonly=True, aggregator="sum")
    churn_rate = fields.Float(
        string="Churn (%)",
        readonly=True,
        aggregator="avg",
        help="Share of customers without a confirmed order within the churn "
        "window after the reference date.",
    )

    def _query(self):
        return SQL(
            """
            WITH case_customers AS (
                SELECT c.company_id, p.commercial_partner_id AS partner_id,
                       min(c.create_date) AS ref_date, min(c.id) AS first_id
                  FROM aftersales_case c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.active
              GROUP BY c.company_id, p.commercial_partner_id
            ), orders AS (
                SELECT so.id, so.company_id, p.commercial_partner_id AS partner_id,
                       so.date_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
            ), population AS (
                -- stable ids: the customer's first case (even) or order (odd)
                SELECT first_id * 2 AS id, company_id, partner_id, ref_date,
                       TRUE AS has_case
                  FROM case_customers
                UNION ALL
                SELECT min(o.id) * 2 + 1, o.company_id, o.partner_id,
                       min(o.date_order), FALSE
                  FROM orders o
                 WHERE NOT EXISTS (
                       SELECT 1 FROM case_customers cc
                        WHERE cc.company_id = o.company_id
                          AND cc.partner_id = o.partner_id)
              GROUP BY o.company_id, o.partner_id
            )
            SELECT pop.id AS id,
                   pop.ref_date AS date,
                   pop.company_id AS company_id,
                   pop.partner_id AS partner_id,
                   pop.has_case AS has_case,
                   1 AS nbr,
                   CASE WHEN buy.bought THEN 0 ELSE 1 END AS churned,
                   CASE WHEN buy.bought THEN 0.0 ELSE 100.0 END AS churn_rate
              FROM population pop
              JOIN res_company rc ON rc.id = pop.company_id
              CROSS JOIN LATERAL (
                   SELECT EXISTS (
                       SELECT 1 FROM orders o
                        WHERE o.company_id = pop.company_id
                          AND o.partner_id = pop.partner_id
                          AND o.date_order > pop.ref_date
                          AND o.date_order <= pop.ref_date
                              + make_interval(days => rc.aftersales_churn_days)
                   ) AS bought) buy
             WHERE pop.ref_date <= (now() AT TIME ZONE 'UTC')
                   - make_interval(days => rc.aftersales_churn_days)
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
