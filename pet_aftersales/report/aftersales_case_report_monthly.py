from odoo import api, fields, models
from odoo.tools import SQL

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

    One row per company, team, owner, category, channel and month, rebuilt
    from the per-case analysis (aftersales.case.report) by an hourly cron:
    at a million cases a team x month pivot reads a few thousand rows instead
    of aggregating every case (bench/RESULTS.md). Rows keep sums and counts,
    so averages and rates are weighted by the cases behind each row.
    """

    _name = "aftersales.case.report.monthly"
    _description = "After-sales Case Analysis by Month"
    _order = "month desc, team_id"
    _rec_name = "month"
    _log_access = False

    month = fields.Date(readonly=True, help="First day of the month of creation (UTC).")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
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

    def init(self):
        res = super().init()
        self._aftersales_refresh()
        return res

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if func == "avg" and fname in WEIGHTED_MEASURES:
            numerator, denominator, factor = WEIGHTED_MEASURES[fname]
            return SQL(
                "SUM(%s) * %s / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                factor,
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _aftersales_refresh(self):
        """Rebuild every row from the per-case analysis in one transaction:
        readers keep the previous figures until it commits."""
        source = self.env["aftersales.case.report"]
        self.env.flush_all()
        ratios = SQL(", ").join(
            SQL(
                "%s * %s / NULLIF(%s, 0)",
                SQL.identifier("grouped", numerator),
                factor,
                SQL.identifier("grouped", denominator),
            )
            for numerator, denominator, factor in WEIGHTED_MEASURES.values()
        )
        self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO %(table)s (month, company_id, team_id, user_id,
                   category_id, channel, nbr, reopened_count,
                   first_response_sum, first_response_count,
                   resolution_sum, resolution_count, sla_met_count, sla_count,
                   csat_sum, csat_count, satisfied_count,
                   %(measures)s)
            SELECT grouped.*, %(ratios)s
              FROM (
                SELECT date_trunc('month', r.date)::date AS month,
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
              GROUP BY 1, 2, 3, 4, 5, 6
                   ) grouped
                """,
                table=SQL.identifier(self._table),
                measures=SQL(", ").join(
                    SQL.identifier(fname) for fname in WEIGHTED_MEASURES
                ),
                ratios=ratios,
                source=SQL.identifier(source._table),
            )
        )
        self.invalidate_model()
        return True
