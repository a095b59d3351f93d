from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.aftersales_feedback_mixin import FEEDBACK_CHANNELS


class AftersalesFeedbackReport(models.Model):
    """Satisfaction of cases and returns, from surveys and call-backs alike."""

    _name = "aftersales.feedback.report"
    _description = "After-sales Satisfaction Analysis"
    _auto = False
    _rec_name = "name"
    _order = "feedback_date desc"

    name = fields.Char(string="Reference", readonly=True)
    res_model = fields.Selection(
        [("aftersales.case", "Case"), ("aftersales.rma", "Return")],
        string="Document Type",
        readonly=True,
    )
    case_id = fields.Many2one("aftersales.case", readonly=True)
    rma_id = fields.Many2one(
        "aftersales.rma", string="Return Authorization", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("aftersales.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    category_id = fields.Many2one("aftersales.category", readonly=True)
    feedback_channel = fields.Selection(
        FEEDBACK_CHANNELS,
        string="Channel",
        readonly=True,
    )
    feedback_date = fields.Datetime(readonly=True)
    csat_score = fields.Float(
        string="Satisfaction (0-100)", aggregator="avg", readonly=True
    )
    csat_speed = fields.Float(string="Response Speed", aggregator="avg", readonly=True)
    csat_solution = fields.Float(string="Solution", aggregator="avg", readonly=True)
    csat_attitude = fields.Float(
        string="Service Attitude", aggregator="avg", readonly=True
    )
    csat_quality = fields.Float(
        string="Product Quality", aggregator="avg", readonly=True
    )
    csat_logistics = fields.Float(
        string="Logistics Speed", aggregator="avg", readonly=True
    )
    satisfied_rate = fields.Float(
        string="Satisfied (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the feedback on cases and returns scoring at least 80 "
        "out of 100 (the Overview's satisfaction, over its period).",
    )
    nbr = fields.Integer(string="# Feedback", readonly=True)

    def _case_query(self):
        return SQL(
            """
            SELECT c.id * 2 AS id,
                   c.reference AS name,
                   'aftersales.case' AS res_model,
                   c.id AS case_id,
                   NULL::integer AS rma_id,
                   c.partner_id, c.company_id, c.team_id, c.user_id,
                   c.category_id, c.feedback_channel, c.feedback_date,
                   c.csat_score,
                   NULLIF(c.csat_speed, 0) AS csat_speed,
                   NULLIF(c.csat_solution, 0) AS csat_solution,
                   NULLIF(c.csat_attitude, 0) AS csat_attitude,
                   NULLIF(c.csat_quality, 0) AS csat_quality,
                   NULLIF(c.csat_logistics, 0) AS csat_logistics,
                   CASE WHEN c.csat_score >= 80 THEN 100.0 ELSE 0.0 END
                       AS satisfied_rate,
                   1 AS nbr
              FROM aftersales_case c
             WHERE c.feedback_state = 'done' AND c.feedback_date IS NOT NULL
            """
        )

    def _rma_query(self):
        return SQL(
            """
            SELECT r.id * 2 + 1 AS id,
                   r.name AS name,
                   'aftersales.rma' AS res_model,
                   r.case_id AS case_id,
                   r.id AS rma_id,
                   r.partner_id, r.company_id, rc.team_id, r.user_id,
                   rc.category_id, r.feedback_channel, r.feedback_date,
                   r.csat_score,
                   NULLIF(r.csat_speed, 0) AS csat_speed,
                   NULLIF(r.csat_solution, 0) AS csat_solution,
                   NULLIF(r.csat_attitude, 0) AS csat_attitude,
                   NULLIF(r.csat_quality, 0) AS csat_quality,
                   NULLIF(r.csat_logistics, 0) AS csat_logistics,
                   CASE WHEN r.csat_score >= 80 THEN 100.0 ELSE 0.0 END
                       AS satisfied_rate,
                   1 AS nbr
              FROM aftersales_rma r
         LEFT JOIN aftersales_case rc ON rc.id = r.case_id
             WHERE r.feedback_state = 'done' AND r.feedback_date IS NOT NULL
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s UNION ALL %s)",
                SQL.identifier(self._table),
                self._case_query(),
                self._rma_query(),
            )
        )
