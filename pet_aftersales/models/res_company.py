from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_team_id = fields.Many2one(
        "aftersales.team",
        string="Default After-sales Team",
        check_company=True,
        help="Team receiving cases that match no category routing.",
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
    aftersales_priority_rule_ids = fields.One2many(
        "aftersales.priority.rule", "company_id", string="After-sales Priority Matrix"
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

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["aftersales.priority.rule"]._create_default_matrix(companies)
        return companies

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
