from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_case import CHANNELS


class AftersalesCaseReport(models.Model):
    """Case analysis: one row per active case, rates stored as 0/100 so that
    their average is the percentage at any grouping."""

    _name = "aftersales.case.report"
    _description = "After-sales Case Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "case_id"

    case_id = fields.Many2one("aftersales.case", readonly=True)
    date = fields.Datetime(string="Created on", readonly=True)
    resolved_date = fields.Datetime(string="Resolved on", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("aftersales.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    category_id = fields.Many2one("aftersales.category", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("aftersales.stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Urgent")],
        readonly=True,
    )
    nbr = fields.Integer(string="# Cases", readonly=True, aggregator="sum")
    first_response_hours = fields.Float(
        string="First Response (business hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours of the team's business hours from creation to "
        "the first staff reply.",
    )
    resolution_hours = fields.Float(
        string="Resolution (business hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours of the team's business hours from creation to "
        "resolution.",
    )
    sla_met_rate = fields.Float(
        string="SLA Met (%)",
        readonly=True,
        aggregator="avg",
        help="Share of resolved cases with a deadline that were resolved in time.",
    )
    reopen_rate = fields.Float(
        string="Reopened (%)",
        readonly=True,
        aggregator="avg",
        help="Share of cases reopened at least once.",
    )
    csat_score = fields.Float(
        string="Satisfaction Score",
        readonly=True,
        aggregator="avg",
        help="Average satisfaction (0-100) of the rated cases.",
    )
    satisfied_rate = fields.Float(
        string="Satisfied (%)",
        readonly=True,
        aggregator="avg",
        help="Share of rated cases whose score reaches the company's reopen "
        "threshold.",
    )

    def _select(self):
        return SQL(
            """
            c.id AS id,
            c.id AS case_id,
            c.create_date AS date,
            c.resolved_date AS resolved_date,
            c.company_id AS company_id,
            c.team_id AS team_id,
            c.user_id AS user_id,
            c.category_id AS category_id,
            c.channel AS channel,
            c.product_id AS product_id,
            c.lot_id AS lot_id,
            c.partner_id AS partner_id,
            c.stage_id AS stage_id,
            c.is_closed AS is_closed,
            c.priority AS priority,
            1 AS nbr,
            CASE WHEN c.first_response_date IS NOT NULL
                THEN c.first_response_hours END AS first_response_hours,
            CASE WHEN c.resolved_date IS NOT NULL
                THEN c.resolution_hours END
                AS resolution_hours,
            CASE
                WHEN c.sla_status = 'met' THEN 100.0::float
                WHEN c.sla_status = 'failed' THEN 0.0::float
                WHEN c.resolved_date IS NULL OR c.resolution_deadline IS NULL
                    THEN NULL
                WHEN c.resolved_date <= c.resolution_deadline THEN 100.0::float
                ELSE 0.0::float
            END AS sla_met_rate,
            CASE WHEN c.reopen_count > 0 THEN 100.0::float ELSE 0.0::float END
                AS reopen_rate,
            c.csat_score AS csat_score,
            CASE
                WHEN c.csat_score IS NULL THEN NULL
                WHEN c.csat_score >= rc.aftersales_csat_reopen_threshold
                    THEN 100.0::float
                ELSE 0.0::float
            END AS satisfied_rate
            """
        )

    def _from(self):
        # LEFT JOIN: PostgreSQL leaves the company out of queries that do not
        # read satisfied_rate
        return SQL("aftersales_case c LEFT JOIN res_company rc ON rc.id = c.company_id")

    def _where(self):
        return SQL("c.active")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (SELECT %s FROM %s WHERE %s)",
                SQL.identifier(self._table),
                self._select(),
                self._from(),
                self._where(),
            )
        )
