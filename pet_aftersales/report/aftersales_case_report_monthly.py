from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import TableKind, table_kind

from .aftersales_case_report import CHANNELS

# measure -> (numerator column, denominator column, factor): the measure of
# any group is SUM(numerator) * factor / SUM(denominator), i.e. the average
# over the cases, whatever the number of cases behind each row
WEIGHTED_MEASURES = {
    "first_response_hours": ("first_response_sum", "first_response_count", 1.0),
    "resolution_hours": ("resolution_sum", "resolution_count", 1.0),
    "sla_met_rate": ("sla_met_count", "sla_count", 100.0),
    "reopen_rate": ("reopened_count", "nbr", 100.0),
    "csat_score": ("csat_sum", "csat_count", 1.0),
    "satisfied_rate": ("satisfied_count", "csat_count", 100.0),
}


class AftersalesCaseReportMonthly(models.Model):
    """Case analysis by month, pre-aggregated.

    A PostgreSQL materialized view of the per-case analysis
    (aftersales.case.report): one row per company, team, owner, category,
    channel and month, refreshed by an hourly cron. At a million cases a team
    x month pivot reads a few thousand rows instead of aggregating every case
    (bench/RESULTS.md). Rows keep sums and counts, so averages and rates are
    weighted by the cases behind each row (aftersales.report.ratio.mixin).
    Each row's id is the id of its first case: stable from one refresh to
    the next.
    """

    _name = "aftersales.case.report.monthly"
    _inherit = ["aftersales.report.ratio.mixin"]
    _description = "After-sales Case Analysis by Month"
    _order = "month desc, team_id"
    _rec_name = "month"
    _auto = False
    _aftersales_ratio_measures = WEIGHTED_MEASURES

    month = fields.Date(readonly=True, help="First day of the month of creation (UTC).")
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("aftersales.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    category_id = fields.Many2one("aftersales.category", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    nbr = fields.Integer(string="# Cases", readonly=True, aggregator="sum")
    reopened_count = fields.Integer(string="# Reopened", readonly=True)
    first_response_hours = fields.Float(
        string="First Response (business hours)", readonly=True, aggregator="avg"
    )
    first_response_sum = fields.Float(
        string="First Response Hours (total)", readonly=True
    )
    first_response_count = fields.Integer(string="# Responded", readonly=True)
    resolution_hours = fields.Float(
        string="Resolution (business hours)", readonly=True, aggregator="avg"
    )
    resolution_sum = fields.Float(string="Resolution Hours (total)", readonly=True)
    resolution_count = fields.Integer(string="# Resolved", readonly=True)
    sla_met_rate = fields.Float(string="SLA Met (%)", readonly=True, aggregator="avg")
    sla_met_count = fields.Integer(string="# SLA Met", readonly=True)
    sla_count = fields.Integer(string="# With SLA Outcome", readonly=True)
    reopen_rate = fields.Float(string="Reopened (%)", readonly=True, aggregator="avg")
    csat_score = fields.Float(
        string="Satisfaction Score", readonly=True, aggregator="avg"
    )
    csat_sum = fields.Float(string="Satisfaction Score (total)", readonly=True)
    csat_count = fields.Integer(string="# Rated", readonly=True)
    satisfied_rate = fields.Float(
        string="Satisfied (%)", readonly=True, aggregator="avg"
    )
    satisfied_count = fields.Integer(string="# Satisfied", readonly=True)

    def _query(self):
        source = self.env["aftersales.case.report"]
        ratios = SQL(", ").join(
            SQL(
                "%s * %s / NULLIF(%s, 0) AS %s",
                SQL.identifier("grouped", numerator),
                factor,
                SQL.identifier("grouped", denominator),
                SQL.identifier(fname),
            )
            for fname, (numerator, denominator, factor) in WEIGHTED_MEASURES.items()
        )
        return SQL(
            """
            SELECT grouped.*, %(ratios)s
              FROM (
                SELECT min(r.id) AS id,
                       date_trunc('month', r.date)::date AS month,
                       r.company_id, r.team_id, r.user_id, r.category_id,
                       r.channel,
                       count(*) AS nbr,
                       count(*) FILTER (WHERE r.reopen_rate > 0) AS reopened_count,
                       SUM(r.first_response_hours) AS first_response_sum,
                       count(r.first_response_hours) AS first_response_count,
                       SUM(r.resolution_hours) AS resolution_sum,
                       count(r.resolution_hours) AS resolution_count,
                       count(*) FILTER (WHERE r.sla_met_rate > 0) AS sla_met_count,
                       count(r.sla_met_rate) AS sla_count,
                       SUM(r.csat_score) AS csat_sum,
                       count(r.csat_score) AS csat_count,
                       count(*) FILTER (WHERE r.satisfied_rate > 0) AS satisfied_count
                  FROM %(source)s r
              GROUP BY 2, 3, 4, 5, 6, 7
                   ) grouped
            """,
            ratios=ratios,
            source=SQL.identifier(source._table),
        )

    def init(self):
        cr = self.env.cr
        table = SQL.identifier(self._table)
        if table_kind(cr, self._table) == TableKind.Regular:
            # up to 18.0.1.2.0 the rows were a table rebuilt by the cron
            cr.execute(SQL("DROP TABLE %s CASCADE", table))
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(SQL("CREATE MATERIALIZED VIEW %s AS (%s)", table, self._query()))
        # the unique index lets the cron refresh CONCURRENTLY: readers keep
        # the previous figures meanwhile
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (id)",
                SQL.identifier(f"{self._table}_id_uniq"),
                table,
            )
        )
        for columns in (("team_id", "month"), ("company_id",)):
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (%s)",
                    SQL.identifier(f"{self._table}_{'_'.join(columns)}_index"),
                    table,
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                )
            )

    @api.model
    def _aftersales_refresh(self):
        """Bring the view up to date (the hourly cron)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "REFRESH MATERIALIZED VIEW CONCURRENTLY %s",
                SQL.identifier(self._table),
            )
        )
        self.invalidate_model()
        return True
