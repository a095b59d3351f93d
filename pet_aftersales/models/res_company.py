from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_team_id = fields.Many2one(
        "aftersales.team",
        string="Default After-sales Team",
        check_company=True,
        help="Team receiving cases that match no category routing.",
    )
    aftersales_mail_create_partner = fields.Boolean(
        string="Create Contacts from Incoming Emails",
        help="A mail from an unknown address opens a case with that address "
        "only; tick to also create a contact for the sender.",
    )
    aftersales_return_days = fields.Integer(
        string="Return Period (days)",
        default=7,
        help="No-reason return period, counted from receipt of the goods, for "
        "products and categories without their own period.",
    )
    aftersales_auto_approve_amount = fields.Monetary(
        string="Auto-approve Returns up to",
        currency_field="currency_id",
        help="Returns within the policy and worth up to this amount are "
        "approved automatically. Zero disables automatic approval.",
    )
    aftersales_callback_days = fields.Integer(
        string="Call-back after (days)",
        default=1,
        help="Business days after resolution when the customer is called back.",
    )
    aftersales_survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        help="Survey sent to the customer when a case is solved.",
    )
    aftersales_survey_reminder_days = fields.Integer(
        string="Survey Reminder after (days)",
        default=3,
        help="Send a reminder when the survey is still unanswered after this "
        "many days. Zero disables reminders.",
    )
    aftersales_survey_min_interval_days = fields.Integer(
        string="Minimum Days between Surveys",
        default=30,
        help="Do not survey the same customer more often than this.",
    )
    aftersales_csat_reopen_threshold = fields.Float(
        string="Reopen below Satisfaction Score",
        default=60.0,
        help="A solved case whose satisfaction score (0-100) is below this value "
        "goes back to second handling.",
    )
    aftersales_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Feedback Loyalty Program",
        check_company=True,
        help="Loyalty program crediting points to customers who give feedback.",
    )
    aftersales_feedback_points = fields.Float(
        string="Points per Feedback",
        default=10.0,
    )
    aftersales_feedback_points_monthly_cap = fields.Float(
        string="Monthly Feedback Points Cap",
        default=50.0,
        help="Maximum feedback points a customer can earn per month. Zero means "
        "no limit.",
    )
    aftersales_cluster_min_cases = fields.Integer(
        string="Quality Alert Threshold (cases)",
        default=3,
        help="Number of quality cases on one product or lot that raises an " "alert.",
    )
    aftersales_cluster_days = fields.Integer(
        string="Quality Alert Window (days)",
        default=7,
        help="Period over which quality cases are counted for an alert.",
    )
    aftersales_key_customer_amount = fields.Monetary(
        string="Key Customer Sales Amount",
        currency_field="currency_id",
        help="Customers whose confirmed sales reach this amount are key "
        "customers. Zero disables the rule.",
    )
    aftersales_return_address_id = fields.Many2one(
        "res.partner",
        string="Return Address",
        check_company=True,
        help="Where customers send or bring returned goods; the warehouse "
        "address when empty.",
    )
    aftersales_rma_coupon_program_id = fields.Many2one(
        "loyalty.program",
        string="Return Compensation Coupon",
        check_company=True,
        domain="[('program_type', 'in', "
        "('coupons', 'gift_card', 'next_order_coupons'))]",
        help="Coupon program: a coupon is given to the customer when a return "
        "is approved for a reason that is our fault.",
    )
    aftersales_rma_done_role = fields.Selection(
        [
            ("agent", "Agent"),
            ("supervisor", "Supervisor"),
            ("manager", "Manager"),
        ],
        string="Returns Finished by",
        default="supervisor",
        required=True,
        help="The after-sales role (or above) that may press Done on a return: "
        "it issues the credit note, the refund or the exchange delivery.",
    )
    aftersales_rma_manager_amount = fields.Monetary(
        string="Manager Only Above",
        currency_field="currency_id",
        help="Refunds above this amount can only be finished by an after-sales "
        "manager. Zero means no limit.",
    )
    aftersales_rma_post_refund = fields.Boolean(
        string="Post Credit Notes at Once",
        default=True,
        help="Post the credit note of a return and refund the customer when the "
        "return is done; otherwise leave a draft and a to-do for accounting.",
    )
    aftersales_priority_rule_ids = fields.One2many(
        "aftersales.priority.rule", "company_id", string="After-sales Priority Matrix"
    )

    aftersales_portal_upload_max_mb = fields.Integer(
        string="Portal Upload Limit (MB)",
        default=10,
        help="Largest photo or PDF a customer may attach to a case or a return "
        "request on the portal. Only JPEG, PNG, WebP, GIF images and PDF files "
        "are accepted.",
    )

    # Product recalls
    aftersales_recall_reminder_days = fields.Integer(
        string="Recall Reminder after (days)",
        default=3,
        help="Days after the recall notice without an answer before the "
        "customer gets a reminder. 0 = no reminder.",
    )
    aftersales_recall_call_days = fields.Integer(
        string="Recall Call after (days)",
        default=7,
        help="Days after the recall notice without an answer before the "
        "recall's responsible gets an activity to call the customer. 0 = never.",
    )
    aftersales_recall_dispose_photo = fields.Boolean(
        string="Photo Required for Disposal",
        help="Customers who dispose of recalled goods must add a photo to be "
        "refunded.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["aftersales.priority.rule"]._create_default_matrix(companies)
        return companies

    # Early warning and reporting (analytics)
    aftersales_risk_medium_score = fields.Integer(
        string="Medium Risk from Score",
        default=5,
        help="Risk matrix: an alert whose likelihood x impact (1-25) reaches "
        "this score is at least medium.",
    )
    aftersales_risk_high_score = fields.Integer(
        string="High Risk from Score",
        default=10,
        help="Risk matrix: from this likelihood x impact score an alert is high "
        "and notifies the after-sales managers.",
    )
    aftersales_risk_critical_score = fields.Integer(
        string="Critical Risk from Score",
        default=16,
        help="Risk matrix: from this likelihood x impact score an alert is "
        "critical.",
    )
    aftersales_alert_min_sample = fields.Integer(
        string="Minimum Sample for Rate Alerts",
        default=5,
        help="SLA, satisfaction and return-rate alerts need at least this many "
        "cases (or delivered units) to avoid alarms on tiny numbers.",
    )
    aftersales_sla_breach_rate = fields.Float(
        string="SLA Breach Alert Rate (%)",
        default=20.0,
        help="Alert when this share of a team's cases due in the last 7 days "
        "missed their resolution deadline. Zero disables the alert.",
    )
    aftersales_csat_alert_threshold = fields.Float(
        string="Satisfaction Alert below",
        default=70.0,
        help="Alert when the average satisfaction score (0-100) of a team or a "
        "product falls under this value.",
    )
    aftersales_csat_alert_days = fields.Integer(
        string="Satisfaction Alert Window (days)",
        default=30,
    )
    aftersales_return_rate_target = fields.Float(
        string="Return Rate Target (%)",
        default=5.0,
        help="Alert when a product's returned quantity reaches this share of "
        "its delivered quantity.",
    )
    aftersales_return_rate_days = fields.Integer(
        string="Return Rate Window (days)",
        default=90,
    )
    aftersales_churn_days = fields.Integer(
        string="Churn Window (days)",
        default=90,
        help="A customer who places no confirmed order within this many days "
        "after a reference date counts as churned.",
    )
    aftersales_satisfaction_target = fields.Float(
        string="Satisfaction Target (%)",
        default=95.0,
        help="Target share of rated cases whose satisfaction score reaches the "
        "reopen threshold.",
    )
    aftersales_churn_target = fields.Float(
        string="Complaint Churn Target (%)",
        default=1.0,
    )

    @api.constrains(
        "aftersales_risk_medium_score",
        "aftersales_risk_high_score",
        "aftersales_risk_critical_score",
    )
    def _check_aftersales_risk_matrix(self):
        for company in self:
            if not (
                1
                < company.aftersales_risk_medium_score
                < company.aftersales_risk_high_score
                < company.aftersales_risk_critical_score
                <= 25
            ):
                raise ValidationError(
                    self.env._(
                        "The risk matrix scores must rise from medium to high to "
                        "critical, between 2 and 25 (company %(company)s).",
                        company=company.name,
                    )
                )

    def _aftersales_risk_severity(self, likelihood, impact):
        """Severity band of a likelihood x impact score on this company's matrix."""
        score = likelihood * impact
        company = self[:1]
        if score >= (company.aftersales_risk_critical_score or 16):
            return "critical"
        if score >= (company.aftersales_risk_high_score or 10):
            return "high"
        if score >= (company.aftersales_risk_medium_score or 5):
            return "medium"
        return "low"

    @api.model
    def _aftersales_init_feedback_settings(self):
        """Give the shipped satisfaction survey to companies without one."""
        survey = self.env.ref(
            "pet_aftersales.aftersales_survey", raise_if_not_found=False
        )
        if survey:
            self.search([("aftersales_survey_id", "=", False)]).write(
                {"aftersales_survey_id": survey.id}
            )
