from odoo import api, fields, models
from odoo.exceptions import UserError

PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
URGENCY_SCORE = {"low": 0, "medium": 1, "high": 2}
IMPACT_SCORE = {"single": 0, "several": 1, "widespread": 2}


class AftersalesCase(models.Model):
    _name = "aftersales.case"
    _description = "After-sales Case"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "aftersales.feedback.mixin",
    ]
    _order = "priority desc, id desc"
    _rec_names_search = ["name", "reference", "partner_id.name", "email_from"]
    _check_company_auto = True

    # ------------------------------------------------------------
    # DEFAULTS
    # ------------------------------------------------------------

    @api.model
    def _default_team_id(self):
        return self.env["aftersales.team"]._default_team()

    @api.model
    def _default_stage_id(self):
        return self.env["aftersales.stage"].search(
            [("is_closed", "=", False)], order="sequence, id", limit=1
        )

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(string="Subject", required=True, tracking=True)
    reference = fields.Char(
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    active = fields.Boolean(default=True)
    color = fields.Integer("Color Index")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        check_company=True,
    )
    email_from = fields.Char(
        string="Email",
        compute="_compute_email_from",
        store=True,
        readonly=False,
        index="trigram",
    )
    partner_phone = fields.Char(
        string="Phone",
        compute="_compute_partner_phone",
        store=True,
        readonly=False,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("chat", "Online Chat"),
            ("social", "Social Media"),
            ("store", "Store Service Desk"),
            ("portal", "Customer Portal"),
            ("web", "Website / App"),
        ],
        required=True,
        default="phone",
        index=True,
        help="How the customer contacted us.",
    )
    team_id = fields.Many2one(
        "aftersales.team",
        default=lambda self: self._default_team_id(),
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
        help="The person who follows this case end to end.",
    )
    category_id = fields.Many2one("aftersales.category", index=True, tracking=True)
    stage_id = fields.Many2one(
        "aftersales.stage",
        default=lambda self: self._default_stage_id(),
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    kanban_state = fields.Selection(
        [("normal", "In Progress"), ("done", "Ready"), ("blocked", "Blocked")],
        default="normal",
        copy=False,
    )
    urgency = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        required=True,
        default="medium",
        tracking=True,
    )
    impact = fields.Selection(
        [
            ("single", "Single Customer"),
            ("several", "Several Customers"),
            ("widespread", "Widespread"),
        ],
        required=True,
        default="single",
        tracking=True,
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Computed from urgency and impact; can be set by hand.",
    )
    description = fields.Html()
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        check_company=True,
        help="The purchase this case is about (proof of purchase).",
    )
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=?', product_id)]",
    )
    pet_id = fields.Many2one(
        "pet.profile", domain="[('partner_id', 'child_of', partner_id)]"
    )
    responsibility = fields.Selection(
        [
            ("undetermined", "Undetermined"),
            ("company", "Company"),
            ("carrier", "Carrier"),
            ("supplier", "Supplier"),
            ("customer", "Customer"),
        ],
        default="undetermined",
        required=True,
        tracking=True,
    )
    solution = fields.Selection(
        [
            ("none", "None"),
            ("return", "Return"),
            ("exchange", "Exchange"),
            ("repair", "Repair"),
            ("parts", "Replacement Parts"),
            ("price_compensation", "Price Compensation"),
            ("gift", "Gift / Coupon"),
            ("advice", "Advice"),
        ],
        default="none",
        required=True,
        tracking=True,
    )
    solution_confirmed_date = fields.Datetime(
        string="Solution Confirmed on",
        copy=False,
        tracking=True,
        help="When the customer confirmed the chosen solution.",
    )
    # SLA
    response_deadline = fields.Datetime(copy=False, index=True)
    resolution_deadline = fields.Datetime(copy=False, index=True)
    first_response_date = fields.Datetime(
        copy=False,
        help="First message from staff to the customer.",
    )
    resolved_date = fields.Datetime(copy=False, index=True)
    sla_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("at_risk", "At Risk"),
            ("breached", "Breached"),
            ("met", "Met"),
            ("failed", "Failed"),
        ],
        string="SLA Status",
        copy=False,
        index=True,
    )
    # Follow-up
    reopen_count = fields.Integer(copy=False, readonly=True)
    rma_ids = fields.One2many("aftersales.rma", "case_id", string="Returns")
    rma_count = fields.Integer(compute="_compute_rma_count", string="Return Count")
    callback_date = fields.Date(string="Call-back Date", copy=False, index=True)
    callback_done = fields.Boolean(string="Call-back Done", copy=False)
    # Satisfaction
    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Survey Answer", copy=False
    )
    csat_score = fields.Float(
        string="Satisfaction Score",
        copy=False,
        aggregator="avg",
        help="Overall customer satisfaction, from 0 to 100.",
    )
    csat_speed = fields.Integer(
        string="Response Speed Rating", copy=False, aggregator="avg"
    )
    csat_solution = fields.Integer(
        string="Solution Rating", copy=False, aggregator="avg"
    )
    csat_attitude = fields.Integer(
        string="Attitude Rating", copy=False, aggregator="avg"
    )

    _sql_constraints = [
        (
            "csat_score_range",
            "CHECK(csat_score IS NULL OR (csat_score >= 0 AND csat_score <= 100))",
            "The satisfaction score must be between 0 and 100.",
        ),
        (
            "csat_speed_range",
            "CHECK(csat_speed = 0 OR csat_speed IS NULL "
            "OR (csat_speed >= 1 AND csat_speed <= 5))",
            "The response speed rating must be between 1 and 5.",
        ),
        (
            "csat_solution_range",
            "CHECK(csat_solution = 0 OR csat_solution IS NULL "
            "OR (csat_solution >= 1 AND csat_solution <= 5))",
            "The solution rating must be between 1 and 5.",
        ),
        (
            "csat_attitude_range",
            "CHECK(csat_attitude = 0 OR csat_attitude IS NULL "
            "OR (csat_attitude >= 1 AND csat_attitude <= 5))",
            "The attitude rating must be between 1 and 5.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_email_from(self):
        for case in self:
            if case.partner_id.email:
                case.email_from = case.partner_id.email
            elif not case.email_from:
                case.email_from = False

    @api.depends("partner_id")
    def _compute_partner_phone(self):
        for case in self:
            if case.partner_id.phone or case.partner_id.mobile:
                case.partner_phone = case.partner_id.phone or case.partner_id.mobile
            elif not case.partner_phone:
                case.partner_phone = False

    @api.depends("urgency", "impact")
    def _compute_priority(self):
        for case in self:
            score = URGENCY_SCORE.get(case.urgency, 1) + IMPACT_SCORE.get(
                case.impact, 0
            )
            case.priority = str(min(score, 3))

    def _compute_rma_count(self):
        counts = dict(
            self.env["aftersales.rma"]._read_group(
                [("case_id", "in", self.ids)], ["case_id"], ["__count"]
            )
        )
        for case in self:
            case.rma_count = counts.get(case, 0)

    def _compute_access_url(self):
        for case in self:
            case.access_url = f"/my/cases/{case.id}"

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["reference"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("aftersales.case") or self.env._("New")
        return super().create(vals_list)

    def _compute_display_name(self):
        for case in self:
            if case.reference and case.name:
                case.display_name = f"{case.reference} {case.name}"
            else:
                case.display_name = case.name or case.reference

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _get_closed_stage(self):
        self.ensure_one()
        return self.env["aftersales.stage"].search(
            [
                ("is_closed", "=", True),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", self.team_id.ids),
            ],
            order="sequence, id",
            limit=1,
        )

    def _get_open_stage(self):
        self.ensure_one()
        return self.env["aftersales.stage"].search(
            [
                ("is_closed", "=", False),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", self.team_id.ids),
            ],
            order="sequence, id",
            limit=1,
        )

    def action_close(self):
        for case in self:
            if case.is_closed:
                raise UserError(
                    self.env._(
                        "Case %(case)s is already closed.", case=case.display_name
                    )
                )
            if case.solution == "none":
                raise UserError(
                    self.env._(
                        "Choose a solution before closing case %(case)s.",
                        case=case.display_name,
                    )
                )
            stage = case._get_closed_stage()
            if not stage:
                raise UserError(
                    self.env._("No closing stage is configured for this team.")
                )
            case.write({"stage_id": stage.id, "resolved_date": fields.Datetime.now()})
        self._aftersales_request_feedback()
        return True

    def action_reopen(self):
        for case in self:
            if not case.is_closed:
                raise UserError(
                    self.env._(
                        "Only closed cases can be reopened (%(case)s is open).",
                        case=case.display_name,
                    )
                )
            stage = case._get_open_stage()
            if not stage:
                raise UserError(
                    self.env._("No open stage is configured for this team.")
                )
            case.write(
                {
                    "stage_id": stage.id,
                    "resolved_date": False,
                    "reopen_count": case.reopen_count + 1,
                }
            )
        return True

    def action_view_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_rma_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {
            "default_case_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_sale_order_id": self.sale_order_id.id,
        }
        return action
