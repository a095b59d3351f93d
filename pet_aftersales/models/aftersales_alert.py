from odoo import api, fields, models


class AftersalesAlert(models.Model):
    _name = "aftersales.alert"
    _description = "After-sales Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_last_seen desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    alert_type = fields.Selection(
        [
            ("quality_cluster", "Quality Cluster"),
            ("pet_health", "Pet Health"),
            ("sla_breach", "SLA Breach"),
            ("csat_drop", "Satisfaction Drop"),
            ("return_rate", "Return Rate"),
        ],
        string="Type",
        required=True,
        index=True,
        tracking=True,
    )
    likelihood = fields.Integer(
        default=3, tracking=True, help="How likely the risk is, from 1 to 5."
    )
    impact = fields.Integer(
        default=3, tracking=True, help="How serious the consequences are, from 1 to 5."
    )
    severity = fields.Selection(
        [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        compute="_compute_severity",
        store=True,
        index=True,
        tracking=True,
        help="From the risk matrix: likelihood x impact.",
    )
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index="btree_not_null",
        check_company=True,
    )
    team_id = fields.Many2one("aftersales.team", check_company=True)
    case_ids = fields.Many2many(
        "aftersales.case",
        "aftersales_alert_case_rel",
        "alert_id",
        "case_id",
        string="Cases",
        check_company=True,
    )
    case_count = fields.Integer(compute="_compute_case_count")
    state = fields.Selection(
        [
            ("new", "New"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
        ],
        default="new",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
    )
    date_detected = fields.Datetime(
        default=fields.Datetime.now, required=True, readonly=True
    )
    date_last_seen = fields.Datetime(default=fields.Datetime.now, index=True)
    description = fields.Html()

    _sql_constraints = [
        (
            "likelihood_range",
            "CHECK(likelihood >= 1 AND likelihood <= 5)",
            "The likelihood must be between 1 and 5.",
        ),
        (
            "impact_range",
            "CHECK(impact >= 1 AND impact <= 5)",
            "The impact must be between 1 and 5.",
        ),
    ]

    @api.depends("likelihood", "impact")
    def _compute_severity(self):
        for alert in self:
            score = (alert.likelihood or 0) * (alert.impact or 0)
            if score <= 4:
                alert.severity = "low"
            elif score <= 9:
                alert.severity = "medium"
            elif score <= 15:
                alert.severity = "high"
            else:
                alert.severity = "critical"

    @api.depends("case_ids")
    def _compute_case_count(self):
        for alert in self:
            alert.case_count = len(alert.case_ids)

    def action_acknowledge(self):
        self.filtered(lambda a: a.state == "new").write(
            {"state": "acknowledged", "user_id": self.env.user.id}
        )
        return True

    def action_resolve(self):
        self.filtered(lambda a: a.state != "resolved").write({"state": "resolved"})
        return True

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        action["domain"] = [("id", "in", self.case_ids.ids)]
        action["context"] = {"create": False}
        return action
