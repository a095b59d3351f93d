from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    aftersales_default_team_id = fields.Many2one(
        related="company_id.aftersales_default_team_id", readonly=False
    )
    aftersales_mail_create_partner = fields.Boolean(
        related="company_id.aftersales_mail_create_partner", readonly=False
    )
    aftersales_return_days = fields.Integer(
        related="company_id.aftersales_return_days", readonly=False
    )
    aftersales_auto_approve_amount = fields.Monetary(
        related="company_id.aftersales_auto_approve_amount",
        currency_field="company_currency_id",
        readonly=False,
    )
    aftersales_callback_days = fields.Integer(
        related="company_id.aftersales_callback_days", readonly=False
    )
    aftersales_survey_id = fields.Many2one(
        related="company_id.aftersales_survey_id", readonly=False
    )
    aftersales_survey_reminder_days = fields.Integer(
        related="company_id.aftersales_survey_reminder_days", readonly=False
    )
    aftersales_survey_min_interval_days = fields.Integer(
        related="company_id.aftersales_survey_min_interval_days", readonly=False
    )
    aftersales_csat_reopen_threshold = fields.Float(
        related="company_id.aftersales_csat_reopen_threshold", readonly=False
    )
    aftersales_loyalty_program_id = fields.Many2one(
        related="company_id.aftersales_loyalty_program_id", readonly=False
    )
    aftersales_feedback_points = fields.Float(
        related="company_id.aftersales_feedback_points", readonly=False
    )
    aftersales_feedback_points_monthly_cap = fields.Float(
        related="company_id.aftersales_feedback_points_monthly_cap", readonly=False
    )
    aftersales_cluster_min_cases = fields.Integer(
        related="company_id.aftersales_cluster_min_cases", readonly=False
    )
    aftersales_cluster_days = fields.Integer(
        related="company_id.aftersales_cluster_days", readonly=False
    )
    aftersales_key_customer_amount = fields.Monetary(
        related="company_id.aftersales_key_customer_amount",
        currency_field="company_currency_id",
        readonly=False,
    )
    aftersales_return_address_id = fields.Many2one(
        related="company_id.aftersales_return_address_id", readonly=False
    )
    aftersales_rma_coupon_program_id = fields.Many2one(
        related="company_id.aftersales_rma_coupon_program_id", readonly=False
    )

    aftersales_rma_done_role = fields.Selection(
        related="company_id.aftersales_rma_done_role", readonly=False
    )
    aftersales_rma_manager_amount = fields.Monetary(
        related="company_id.aftersales_rma_manager_amount",
        currency_field="company_currency_id",
        readonly=False,
    )
    aftersales_rma_post_refund = fields.Boolean(
        related="company_id.aftersales_rma_post_refund", readonly=False
    )

    aftersales_portal_upload_max_mb = fields.Integer(
        related="company_id.aftersales_portal_upload_max_mb", readonly=False
    )

    aftersales_recall_reminder_days = fields.Integer(
        related="company_id.aftersales_recall_reminder_days", readonly=False
    )
    aftersales_recall_call_days = fields.Integer(
        related="company_id.aftersales_recall_call_days", readonly=False
    )
    aftersales_recall_dispose_photo = fields.Boolean(
        related="company_id.aftersales_recall_dispose_photo", readonly=False
    )

    def action_open_aftersales_priority_matrix(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_priority_rule_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {"default_company_id": self.company_id.id}
        return action

    aftersales_risk_medium_score = fields.Integer(
        related="company_id.aftersales_risk_medium_score", readonly=False
    )
    aftersales_risk_high_score = fields.Integer(
        related="company_id.aftersales_risk_high_score", readonly=False
    )
    aftersales_risk_critical_score = fields.Integer(
        related="company_id.aftersales_risk_critical_score", readonly=False
    )
    aftersales_alert_min_sample = fields.Integer(
        related="company_id.aftersales_alert_min_sample", readonly=False
    )
    aftersales_sla_breach_rate = fields.Float(
        related="company_id.aftersales_sla_breach_rate", readonly=False
    )
    aftersales_csat_alert_threshold = fields.Float(
        related="company_id.aftersales_csat_alert_threshold", readonly=False
    )
    aftersales_csat_alert_days = fields.Integer(
        related="company_id.aftersales_csat_alert_days", readonly=False
    )
    aftersales_return_rate_target = fields.Float(
        related="company_id.aftersales_return_rate_target", readonly=False
    )
    aftersales_return_rate_days = fields.Integer(
        related="company_id.aftersales_return_rate_days", readonly=False
    )
    aftersales_churn_days = fields.Integer(
        related="company_id.aftersales_churn_days", readonly=False
    )
    aftersales_satisfaction_target = fields.Float(
        related="company_id.aftersales_satisfaction_target", readonly=False
    )
    aftersales_churn_target = fields.Float(
        related="company_id.aftersales_churn_target", readonly=False
    )
