from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
URGENCIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("chat", "Online Chat"),
    ("social", "Social Media"),
    ("store", "Store Service Desk"),
    ("portal", "Customer Portal"),
    ("web", "Website / App"),
]
# severity of an alert, hazard of a recall
RISK_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
IMPACTS = [
    ("single", "Single Customer"),
    ("several", "Several Customers"),
    ("widespread", "Widespread"),
]
URGENCY_SCORE = {"low": 0, "medium": 1, "high": 2}
IMPACT_SCORE = {"single": 0, "several": 1, "widespread": 2}
PET_HEALTH_CODE = "pet_health"
# Cases of this priority or above are "major issues": phone call-back.
CALLBACK_MIN_PRIORITY = 2


class AftersalesCase(models.Model):
    _name = "aftersales.case"
    _description = "After-sales Case"
    _aftersales_feedback_link_field = "aftersales_case_id"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "aftersales.feedback.mixin",
        "aftersales.sla.mixin",
    ]
    _order = "priority desc, id desc"
    _rec_names_search = ["name", "reference", "partner_id.name", "email_from"]
    _check_company_auto = True
    _primary_email = "email_from"

    # ------------------------------------------------------------
    # DEFAULTS
    # ------------------------------------------------------------

    @api.model
    def _default_stage_id(self, team_id=None):
        domain = [("is_closed", "=", False)]
        if team_id:
            domain += ["|", ("team_ids", "=", False), ("team_ids", "in", [team_id])]
        return self.env["aftersales.stage"].search_fetch(
            domain,
            ["name", "is_closed", "fold", "solution_required", "sla_paused"],
            order="sequence, id",
            limit=1,
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
        CHANNELS,
        required=True,
        default="phone",
        index=True,
        help="How the customer contacted us.",
    )
    team_id = fields.Many2one(
        "aftersales.team",
        compute="_compute_team_id",
        precompute=True,
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        check_company=True,
        help="Routed from the category, else the company's default team.",
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
    category_id = fields.Many2one(
        "aftersales.category", index=True, tracking=True, check_company=True
    )
    category_code = fields.Char(related="category_id.code")
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
    # SLA (deadlines, status and pauses: aftersales.sla.mixin)
    sla_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_deadlines",
        precompute=True,
        store=True,
        readonly=False,
        copy=False,
    )
    first_response_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="First message from staff to the customer.",
    )
    resolved_date = fields.Datetime(copy=False, index=True, readonly=True)
    first_response_hours = fields.Float(
        string="First Response (business hours)",
        compute="_compute_work_hours",
        store=True,
        copy=False,
        help="Working hours of the team's business hours from the creation to "
        "the first staff reply (around the clock when the team has none).",
    )
    resolution_hours = fields.Float(
        string="Resolution (business hours)",
        compute="_compute_work_hours",
        store=True,
        copy=False,
        help="Working hours of the team's business hours from the creation to "
        "the resolution (around the clock when the team has none).",
    )
    rma_ids = fields.One2many("aftersales.rma", "case_id", string="Returns")
    rma_count = fields.Integer(compute="_compute_rma_count", string="Return Count")
    # Call-back, survey answer and satisfaction scores: aftersales.feedback.mixin

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

    @api.depends("first_response_date", "resolved_date")
    def _compute_work_hours(self):
        """Business hours up to the reply and the resolution, measured in the
        calendar the team has when they happen (not recomputed afterwards)."""
        requests = []
        for case in self:
            calendar = case.team_id.resource_calendar_id
            requests.append((calendar, case.create_date, case.first_response_date))
            requests.append((calendar, case.create_date, case.resolved_date))
        hours = self._sla_work_hours_batch(requests)
        for case, first, resolution in zip(self, hours[::2], hours[1::2], strict=True):
            case.first_response_hours = first
            case.resolution_hours = resolution

    @api.depends("team_id", "category_id", "priority")
    def _compute_sla_deadlines(self):
        policies_by_team = self._get_sla_policies_by_team()
        for case in self:
            case.sla_policy_id = case._match_sla_policy(policies_by_team)
        return super()._compute_sla_deadlines()

    @api.depends("first_response_date", "resolved_date", "is_closed")
    def _compute_sla_status(self):
        return super()._compute_sla_status()

    @api.depends("sla_policy_id.clock")
    def _compute_sla_clock(self):
        for case in self:
            case.sla_clock = case.sla_policy_id.clock

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

    def _compute_display_name(self):
        for case in self:
            if case.reference and case.name:
                case.display_name = f"{case.reference} {case.name}"
            else:
                case.display_name = case.name or case.reference

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        stage_domain = []
        if team_id:
            stage_domain = [
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", [team_id]),
            ]
        return stages.search(stage_domain, order=stages._order)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("partner_id", "email_from", "partner_phone")
    def _check_customer_contact(self):
        for case in self:
            if not (case.partner_id or case.email_from or case.partner_phone):
                raise ValidationError(
                    self.env._(
                        "Case %(case)s needs a customer: a contact, an email "
                        "address or a phone number.",
                        case=case.name,
                    )
                )

    @api.constrains("stage_id", "solution")
    def _check_solution_on_resolution(self):
        for case in self:
            if case.stage_id.solution_required and case.solution == "none":
                raise ValidationError(
                    self.env._(
                        "Choose a solution before moving case %(case)s to "
                        "%(stage)s.",
                        case=case.display_name,
                        stage=case.stage_id.name,
                    )
                )

    def _check_manual_deadlines(self, vals):
        now = fields.Datetime.now()
        for fname in ("response_deadline", "resolution_deadline"):
            if vals.get(fname) and fields.Datetime.to_datetime(vals[fname]) < now:
                raise UserError(
                    self.env._(
                        "The %(field)s cannot be set in the past.",
                        field=self._fields[fname].get_description(self.env)["string"],
                    )
                )

    def init(self):
        res = super().init()
        # Lists and kanban columns open in the default order (priority desc,
        # id desc): with this index PostgreSQL walks it and stops at the
        # page size instead of sorting every visible case.
        tools.create_index(
            self.env.cr,
            "aftersales_case_priority_id_index",
            self._table,
            ["priority", "id"],
        )
        # the agents' record rule ORs team, owner and author: each needs an
        # index for PostgreSQL to combine them instead of scanning every case
        tools.create_index(
            self.env.cr, "aftersales_case_create_uid_index", self._table, ["create_uid"]
        )
        return res

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manual_deadlines_list(vals_list)
        self._mark_manual_urgency(vals_list)
        self._assign_references(vals_list)
        self._prepare_routing_vals(vals_list)
        self._prepare_sla_pause_vals(vals_list)
        # one path whatever the batch size: mail.thread's per-record chatter
        # is replaced by Odoo's batch APIs (see _aftersales_creation_chatter)
        cases = (
            super(AftersalesCase, self.with_context(tracking_disable=True))
            .create(vals_list)
            .with_env(self.env)
        )
        if not self.env.context.get("tracking_disable"):
            cases._aftersales_creation_chatter()
        cases._create_checklist_items()
        self.env["aftersales.alert"]._aftersales_detect_pet_health(cases)
        return cases

    def _check_manual_deadlines_list(self, vals_list):
        for vals in vals_list:
            self._check_manual_deadlines(vals)

    def write(self, vals):
        self._check_manual_deadlines(vals)
        if vals.get("urgency") and "urgency_manual" not in vals:
            vals = dict(vals)
            self._mark_manual_urgency([vals])
        old_teams = (
            {case.id: case.team_id for case in self}
            if "category_id" in vals or "team_id" in vals
            else None
        )
        if "stage_id" not in vals:
            res = super().write(vals)
            if "category_id" in vals:
                self._create_checklist_items()
                self.env["aftersales.alert"]._aftersales_detect_pet_health(self)
            if old_teams is not None and "user_id" not in vals:
                self._reassign_to_new_team(old_teams)
            return res
        new_stage = self.env["aftersales.stage"].browse(vals["stage_id"])
        closing = self.filtered(lambda c: not c.is_closed and new_stage.is_closed)
        reopening = self.filtered(lambda c: c.is_closed and not new_stage.is_closed)
        pausing = new_stage._pauses_sla()
        resuming = self.filtered(lambda c: c.sla_paused_since and not pausing)
        res = super().write(vals)
        if "category_id" in vals:
            self._create_checklist_items()
            self.env["aftersales.alert"]._aftersales_detect_pet_health(self)
        if old_teams is not None and "user_id" not in vals:
            self._reassign_to_new_team(old_teams)
        if resuming:
            resuming._sla_resume()
        if closing:
            closing._on_resolved()
        if reopening:
            reopening._on_reopened()
        if pausing:
            self._sla_pause()
        return res

    def _prepare_sla_pause_vals(self, vals_list):
        """Cases created in a stage that pauses the SLA start paused."""
        stages = self.env["aftersales.stage"].browse(
            {vals["stage_id"] for vals in vals_list if vals.get("stage_id")}
        )
        paused = stages.filtered(lambda s: s._pauses_sla())
        if not paused:
            return
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("stage_id") in paused.ids and not vals.get("sla_paused_since"):
                vals["sla_paused_since"] = vals.get("sla_start_date") or now

    # ------------------------------------------------------------
    # STAGE TRANSITIONS
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _get_team_stage(self, closed):
        """The team's first closed (or open) stage."""
        self.ensure_one()
        return self.env["aftersales.stage"].search(
            [
                ("is_closed", "=", closed),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", self.team_id.ids),
            ],
            order="sequence, id",
            limit=1,
        )

    def _get_closed_stage(self):
        return self._get_team_stage(closed=True)

    def _get_open_stage(self):
        return self._get_team_stage(closed=False)

    def action_close(self):
        """Move open cases to their team's first closed stage.

        A solution is required. Closed cases are left as they are, so a second
        click does nothing.
        """
        cases = self.filtered(lambda c: not c.is_closed)
        missing = cases.filtered(lambda c: c.solution == "none")
        if missing:
            raise UserError(
                self.env._(
                    "Choose a solution before closing case %(case)s.",
                    case=missing[0].display_name,
                )
            )
        by_team = defaultdict(lambda: self.browse())
        for case in cases:
            by_team[case.team_id] |= case
        for team_cases in by_team.values():
            stage = team_cases[0]._get_closed_stage()
            if not stage:
                raise UserError(
                    self.env._("No closing stage is configured for this team.")
                )
            team_cases.write({"stage_id": stage.id})
        return True

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
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

    def action_create_rma(self):
        """Open a new return prefilled from the case (its return/exchange)."""
        self.ensure_one()
        lines = self.env["aftersales.rma"]._prepare_line_vals_from_sale_lines(
            self.sale_order_id.sudo().order_line.filtered(
                lambda line: not line.display_type
                and (not self.product_id or line.product_id == self.product_id)
            )
        )
        if self.lot_id:
            lines = [
                vals for vals in lines if vals.get("lot_id") in (None, self.lot_id.id)
            ] or lines
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create Return"),
            "res_model": "aftersales.rma",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_case_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_sale_order_id": self.sale_order_id.id,
                "default_company_id": self.company_id.id,
                "default_resolution": (
                    "exchange" if self.solution == "exchange" else "refund"
                ),
                "default_description": self.name,
                "default_line_ids": [(0, 0, vals) for vals in lines],
            },
        }

    # ------------------------------------------------------------
    # FEEDBACK HOOKS (aftersales.feedback.mixin)
    # ------------------------------------------------------------

    def _aftersales_feedback_case(self):
        return self

    def _aftersales_feedback_owner(self):
        self.ensure_one()
        return self.user_id or self.team_id.user_id

    def _aftersales_feedback_pets(self):
        return self.pet_id

    def _aftersales_feedback_is_major(self):
        self.ensure_one()
        return int(self.priority or 0) >= CALLBACK_MIN_PRIORITY
