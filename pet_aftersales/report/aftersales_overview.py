from datetime import timedelta

from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesOverview(models.Model):
    """After-sales overview: one card per company with the service KPIs
    against their targets (satisfaction, return rate, complaint churn)."""

    _name = "aftersales.overview"
    _description = "After-sales Overview"
    _auto = False
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", readonly=True)
    period_days = fields.Integer(
        string="Period (days)",
        readonly=True,
        help="Satisfaction and return rate are measured over the company's "
        "return-rate window.",
    )
    open_case_count = fields.Integer(string="Open Cases", readonly=True)
    breached_case_count = fields.Integer(
        string="Open Cases past Deadline", readonly=True
    )
    open_alert_count = fields.Integer(string="Open Alerts", readonly=True)
    severe_alert_count = fields.Integer(
        string="High and Critical Alerts", readonly=True
    )
    rated_case_count = fields.Integer(string="Feedback Received", readonly=True)
    satisfaction_rate = fields.Float(
        string="Satisfaction (%)",
        readonly=True,
        help="As in Satisfaction Analysis: the share of the feedback on cases "
        "and returns scoring at least 80 out of 100, received in the period.",
    )
    satisfaction_target = fields.Float(string="Satisfaction Target (%)", readonly=True)
    satisfaction_ok = fields.Boolean(string="Satisfaction on Target", readonly=True)
    return_rate = fields.Float(string="Return Rate (%)", readonly=True)
    return_rate_target = fields.Float(string="Return Rate Target (%)", readonly=True)
    return_rate_ok = fields.Boolean(string="Return Rate on Target", readonly=True)
    churn_rate = fields.Float(string="Complaint Churn (%)", readonly=True)
    churn_rate_baseline = fields.Float(string="Churn without Case (%)", readonly=True)
    churn_target = fields.Float(string="Complaint Churn Target (%)", readonly=True)
    churn_ok = fields.Boolean(string="Complaint Churn on Target", readonly=True)

    def _query(self):
        return SQL(
            """
            WITH cases AS (
                SELECT c.company_id,
                       count(*) FILTER (WHERE NOT c.is_closed) AS open_cases,
                       count(*) FILTER (WHERE NOT c.is_closed
                                          AND c.resolution_deadline
                                              < (now() AT TIME ZONE 'UTC'))
                           AS breached_cases
                  FROM aftersales_case c
                 WHERE c.active AND NOT c.is_closed
              GROUP BY c.company_id
            ), rated AS (
                -- the definition of Satisfaction Analysis: feedback on cases
                -- and returns scoring at least 80/100, by feedback date
                SELECT fr.company_id, count(*) AS rated,
                       avg(fr.satisfied_rate) AS satisfied
                  FROM aftersales_feedback_report fr
                  JOIN res_company rc ON rc.id = fr.company_id
                 WHERE fr.feedback_date >= (now() AT TIME ZONE 'UTC')
                       - make_interval(days => rc.aftersales_return_rate_days)
              GROUP BY fr.company_id
            ), alerts AS (
                SELECT a.company_id, count(*) AS open_alerts,
                       count(*) FILTER (WHERE a.severity IN ('high', 'critical'))
                           AS severe_alerts
                  FROM aftersales_alert a
                 WHERE a.state != 'resolved'
              GROUP BY a.company_id
            ), returns AS (
                SELECT rr.company_id,
                       sum(rr.returned_qty) * 100.0
                           / NULLIF(sum(rr.delivered_qty), 0) AS rate
                  FROM aftersales_rma_report rr
                  JOIN res_company rc ON rc.id = rr.company_id
                 WHERE rr.date >= (now() AT TIME ZONE 'UTC')
                       - make_interval(days => rc.aftersales_return_rate_days)
                   AND (rr.state IS NULL OR rr.state != 'rejected')
              GROUP BY rr.company_id
            ), churn AS (
                SELECT cr.company_id,
                       avg(cr.churn_rate) FILTER (WHERE cr.has_case) AS rate,
                       avg(cr.churn_rate) FILTER (WHERE NOT cr.has_case)
                           AS baseline
                  FROM aftersales_churn_report cr
              GROUP BY cr.company_id
            )
            SELECT rc.id AS id,
                   rc.id AS company_id,
                   rc.aftersales_return_rate_days AS period_days,
                   COALESCE(cases.open_cases, 0) AS open_case_count,
                   COALESCE(cases.breached_cases, 0) AS breached_case_count,
                   COALESCE(alerts.open_alerts, 0) AS open_alert_count,
                   COALESCE(alerts.severe_alerts, 0) AS severe_alert_count,
                   COALESCE(rated.rated, 0) AS rated_case_count,
                   COALESCE(rated.satisfied, 0.0) AS satisfaction_rate,
                   rc.aftersales_satisfaction_target AS satisfaction_target,
                   COALESCE(rated.satisfied >= rc.aftersales_satisfaction_target,
                            TRUE) AS satisfaction_ok,
                   COALESCE(returns.rate, 0.0) AS return_rate,
                   rc.aftersales_return_rate_target AS return_rate_target,
                   COALESCE(returns.rate < rc.aftersales_return_rate_target, TRUE)
                       AS return_rate_ok,
                   COALESCE(churn.rate, 0.0) AS churn_rate,
                   COALESCE(churn.baseline, 0.0) AS churn_rate_baseline,
                   rc.aftersales_churn_target AS churn_target,
                   COALESCE(churn.rate < rc.aftersales_churn_target, TRUE)
                       AS churn_ok
              FROM res_company rc
              LEFT JOIN cases ON cases.company_id = rc.id
              LEFT JOIN rated ON rated.company_id = rc.id
              LEFT JOIN alerts ON alerts.company_id = rc.id
              LEFT JOIN returns ON returns.company_id = rc.id
              LEFT JOIN churn ON churn.company_id = rc.id
             WHERE rc.active
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

    def _action_open(self, xmlid, domain=None, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("company_id", "=", self.company_id.id)] + (domain or [])
        if context:
            action["context"] = context
        return action

    def action_open_case_analysis(self):
        return self._action_open("pet_aftersales.aftersales_case_report_action")

    def action_open_satisfaction_analysis(self):
        """The feedback the satisfaction tile counts: same company, same
        period."""
        since = fields.Datetime.now() - timedelta(days=self.period_days)
        return self._action_open(
            "pet_aftersales.aftersales_feedback_report_action",
            domain=[("feedback_date", ">=", fields.Datetime.to_string(since))],
        )

    def action_open_return_analysis(self):
        return self._action_open("pet_aftersales.aftersales_rma_report_action")

    def action_open_churn_analysis(self):
        return self._action_open("pet_aftersales.aftersales_churn_report_action")

    def action_open_alerts(self):
        return self._action_open(
            "pet_aftersales.aftersales_alert_action",
            context={"search_default_open": 1},
        )
