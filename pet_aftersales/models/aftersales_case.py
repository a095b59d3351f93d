from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

PRIORITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Urgent"),
]
URGENCIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
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
    # above this many cases in one create(), chatter work is done in batch
    _aftersales_bulk_create_size = 20
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
        return self.env["aftersales.stage"].search(
            domain, order="sequence, id", limit=1
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
    urgency = fields.Selection(
        URGENCIES,
        compute="_compute_urgency_impact",
        precompute=True,
        store=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    urgency_manual = fields.Boolean(
        string="Urgency Set by Hand",
        copy=False,
        help="The urgency was chosen by hand: a new category keeps it.",
    )
    impact = fields.Selection(
        IMPACTS,
        compute="_compute_urgency_impact",
        precompute=True,
        store=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        precompute=True,
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
    # Follow-up
    reopen_count = fields.Integer(copy=False, readonly=True)
    handling_round = fields.Integer(
        compute="_compute_handling_round",
        help="1 for the first handling, 2 once the case was reopened, ...",
    )
    round_ids = fields.One2many(
        "aftersales.case.round",
        "case_id",
        string="Handling Rounds",
        readonly=True,
        help="The finished rounds of the case: solution, confirmation and "
        "feedback of each, and why it was reopened.",
    )
    rma_ids = fields.One2many("aftersales.rma", "case_id", string="Returns")
    rma_count = fields.Integer(compute="_compute_rma_count", string="Return Count")
    checklist_item_ids = fields.One2many(
        "aftersales.case.checklist.item", "case_id", string="Checklist"
    )
    checklist_progress = fields.Float(compute="_compute_checklist_progress")
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

    @api.depends("category_id")
    def _compute_team_id(self):
        default_teams = {}
        for case in self:
            if case.category_id.team_id:
                case.team_id = case.category_id.team_id
            elif not case.team_id:
                company = case.company_id or self.env.company
                if company not in default_teams:
                    default_teams[company] = self.env["aftersales.team"]._default_team(
                        company
                    )
                case.team_id = default_teams[company]

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

    @api.depends("category_id")
    def _compute_urgency_impact(self):
        for case in self:
            if not (case.urgency_manual and case.urgency):
                case.urgency = (
                    case.category_id.default_urgency or case.urgency or "medium"
                )
            case.impact = case.category_id.default_impact or case.impact or "single"

    @api.depends("urgency", "impact", "category_id", "company_id")
    def _compute_priority(self):
        Rule = self.env["aftersales.priority.rule"]
        matrix = Rule._get_matrix(self.company_id | self.env.company)
        for case in self:
            if case.category_id.code == PET_HEALTH_CODE:
                case.priority = "3"
                continue
            company = case.company_id or self.env.company
            case.priority = matrix.get(
                (company.id, case.urgency, case.impact)
            ) or Rule._default_priority(case.urgency, case.impact)

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

    @api.depends("reopen_count")
    def _compute_handling_round(self):
        for case in self:
            case.handling_round = case.reopen_count + 1

    @api.depends("checklist_item_ids.done")
    def _compute_checklist_progress(self):
        for case in self:
            items = case.checklist_item_ids
            case.checklist_progress = (
                100.0 * len(items.filtered("done")) / len(items) if items else 0.0
            )

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

    @api.constrains(
        "category_id", "pet_id", "product_id", "lot_id", "priority", "stage_id"
    )
    def _check_pet_health(self):
        """A pet health case opens at once with what the caller knows; the
        pet, the product and its lot are needed to solve it, not to open it."""
        for case in self.filtered(lambda c: c.category_id.code == PET_HEALTH_CODE):
            missing = []
            if case.stage_id.solution_required:
                if not case.pet_id:
                    missing.append(self.env._("the pet"))
                if not case.product_id:
                    missing.append(self.env._("the product"))
                elif case.product_id.tracking != "none" and not case.lot_id:
                    missing.append(self.env._("the lot/serial number"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "Record %(fields)s before solving pet health case %(case)s.",
                        case=case.name,
                        fields=", ".join(missing),
                    )
                )
            if case.priority != "3":
                raise ValidationError(
                    self.env._(
                        "Pet health case %(case)s is always urgent.", case=case.name
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
        if len(vals_list) <= self._aftersales_bulk_create_size or self.env.context.get(
            "tracking_disable"
        ):
            cases = super().create(vals_list)
        else:
            # mail.thread would follow, log and notify case by case: do it
            # once for the whole batch instead (see _aftersales_bulk_chatter)
            cases = (
                super(AftersalesCase, self.with_context(tracking_disable=True))
                .create(vals_list)
                .with_env(self.env)
            )
            cases._aftersales_bulk_chatter(vals_list)
        cases._create_checklist_items()
        self.env["aftersales.alert"]._aftersales_detect_pet_health(cases)
        return cases

    @api.model
    def _assign_references(self, vals_list):
        """Number new cases from the company's sequence, one query per company."""
        new_name = self.env._("New")
        todo = defaultdict(list)
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == new_name:
                company_id = vals.get("company_id") or self.env.company.id
                todo[company_id].append(vals)
        for company_id, company_vals in todo.items():
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .with_company(company_id)
                .search(
                    [
                        ("code", "=", "aftersales.case"),
                        ("company_id", "in", [company_id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            if not sequence:
                references = [new_name] * len(company_vals)
            elif sequence.implementation == "standard" and not sequence.use_date_range:
                # one nextval() round trip for the whole batch
                self.env.cr.execute(
                    SQL(
                        "SELECT nextval(%s) FROM generate_series(1, %s)",
                        f"ir_sequence_{sequence.id:03d}",
                        len(company_vals),
                    )
                )
                references = [
                    sequence.get_next_char(number)
                    for (number,) in self.env.cr.fetchall()
                ]
            else:
                references = [sequence._next() for _vals in company_vals]
            for vals, reference in zip(company_vals, references, strict=True):
                vals["reference"] = reference

    @api.model
    def _mark_manual_urgency(self, vals_list):
        """Flag urgencies given by hand: one that differs from the default of
        the category given with it (forms send the computed one along)."""
        categories = self.env["aftersales.category"].browse(
            {vals["category_id"] for vals in vals_list if vals.get("category_id")}
        )
        for vals in vals_list:
            if not vals.get("urgency") or "urgency_manual" in vals:
                continue
            if "category_id" in vals:
                category = categories.browse(vals["category_id"] or ())
                vals["urgency_manual"] = vals["urgency"] != (
                    category.default_urgency or "medium"
                )
            else:
                vals["urgency_manual"] = True

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

    def _reassign_to_new_team(self, old_teams):
        """Reclassified cases whose owner is not in their new team go to
        that team's next owner (by its assignment method; none if manual)."""
        moved = self.filtered(
            lambda c: c.team_id
            and c.team_id != old_teams.get(c.id)
            and c.user_id
            and c.user_id not in (c.team_id.member_ids | c.team_id.user_id)
        )
        # sudo: the write of the category or team was checked; the new owner
        # follows from the team's rule, also when the author does not see the
        # team any more
        for team, cases in moved.sudo().grouped("team_id").items():
            owners = team._next_owners(len(cases))
            for case, owner in zip(cases, owners, strict=True):
                case.user_id = owner

    def _prepare_routing_vals(self, vals_list):
        """Route new cases to a team and pick an owner, before the insert.

        The team comes from the category, else the company's default team;
        the owner follows the team's assignment method.
        """
        Team = self.env["aftersales.team"]
        categories = self.env["aftersales.category"].browse(
            {vals["category_id"] for vals in vals_list if vals.get("category_id")}
        )
        default_teams = {}
        for vals in vals_list:
            if vals.get("team_id"):
                continue
            category = categories.browse(vals.get("category_id"))
            if category.team_id:
                vals["team_id"] = category.team_id.id
                continue
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            if company not in default_teams:
                default_teams[company] = Team._default_team(company)
            if default_teams[company]:
                vals["team_id"] = default_teams[company].id
        stages = {}
        for vals in vals_list:
            if "stage_id" not in vals:
                team_id = vals.get("team_id") or False
                if team_id not in stages:
                    stages[team_id] = self._default_stage_id(team_id)
                vals["stage_id"] = stages[team_id].id
        to_assign = defaultdict(list)
        for vals in vals_list:
            if vals.get("team_id") and not vals.get("user_id"):
                to_assign[vals["team_id"]].append(vals)
        for team_id, team_vals in to_assign.items():
            team = Team.browse(team_id)
            owners = team._next_owners(len(team_vals))
            for vals, owner in zip(team_vals, owners, strict=False):
                if owner:
                    vals["user_id"] = owner.id

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

    def _create_checklist_items(self):
        """Copy the category's standard steps on cases that have no to-do yet.

        One INSERT for the whole batch: every new case copies three to ten
        steps, and creating them through the ORM was a third of the time of
        creating 1,000 cases (bench/RESULTS.md).
        """
        Item = self.env["aftersales.case.checklist.item"]
        # sudo: called after create/write checked the access, and that write
        # may have routed the case to a team its author does not see
        cases = self.sudo().filtered(
            lambda c: c.category_id and not c.checklist_item_ids
        )
        if not cases:
            return Item
        steps_by_category = {
            category: category._get_checklist_steps() for category in cases.category_id
        }
        rows = [
            (case.id, case.company_id.id, index, step)
            for case in cases
            for index, step in enumerate(steps_by_category[case.category_id], 1)
        ]
        if not rows:
            return Item
        cases.flush_recordset(["company_id"])
        case_ids, company_ids, sequences, names = zip(*rows, strict=True)
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO aftersales_case_checklist_item
                   (case_id, company_id, sequence, name, done,
                    create_uid, create_date, write_uid, write_date)
            SELECT step.case_id, step.company_id, step.sequence, step.name, FALSE,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(case_ids)s::int[], %(company_ids)s::int[],
                          %(sequences)s::int[], %(names)s::varchar[])
                   AS step(case_id, company_id, sequence, name)
         RETURNING id
                """,
                uid=self.env.uid,
                now=self.env.cr.now(),
                case_ids=list(case_ids),
                company_ids=list(company_ids),
                sequences=list(sequences),
                names=list(names),
            )
        )
        items = Item.browse([row[0] for row in self.env.cr.fetchall()])
        cases.invalidate_recordset(["checklist_item_ids"])
        return items

    # ------------------------------------------------------------
    # STAGE TRANSITIONS
    # ------------------------------------------------------------

    def _on_resolved(self):
        """Cases that just entered a closed stage."""
        now = fields.Datetime.now()
        self.filtered(lambda c: not c.resolved_date).write({"resolved_date": now})
        solved = self.filtered(lambda c: c.stage_id.solution_required)
        again = solved.filtered("reopen_count")
        if again:
            # the "Customer not satisfied" to-do of the round is done once
            # the case is solved again, and the feedback of an earlier round
            # (kept in its round record) makes way for a new one
            again._aftersales_second_handling_activities().action_feedback(
                feedback=self.env._("Case solved again.")
            )
            again.filtered(
                lambda c: c.feedback_state != "none"
                and (c.feedback_date or c.survey_sent_date or datetime.min)
                <= c.sla_start_date
            ).write(
                {
                    "feedback_state": "none",
                    "feedback_skip_reason": False,
                    "feedback_channel": False,
                    "survey_user_input_id": False,
                    "survey_sent_date": False,
                    "survey_reminder_date": False,
                }
            )
        solved._schedule_callback()
        # The survey (or the call-back of key customers) follows every solved
        # case, whether closed by the button or dragged to the stage.
        solved._aftersales_request_feedback()

    def _on_reopened(self):
        """Cases that went back from a closed to an open stage: second handling.

        The finished round is kept as an ``aftersales.case.round`` (its
        solution, confirmation, feedback and the reason of the reopening) and
        the new round starts clean: the customer confirms the solution again
        and is asked for feedback again when the case is solved again (the
        last feedback stays on the case, and in the analysis, until then).
        The first response stays: the customer got it in the first round.
        """
        now = fields.Datetime.now()
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_callback", raise_if_not_found=False
        )
        if activity_type:
            self.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).unlink()
        self._archive_handling_round(now)
        for case in self:
            case.write(
                {
                    "reopen_count": case.reopen_count + 1,
                    "resolved_date": False,
                    "solution_confirmed_date": False,
                    "sla_start_date": now,
                    "sla_warning_sent": False,
                    "sla_breach_sent": False,
                    "sla_paused_since": False,
                    "sla_paused_hours": 0.0,
                    "sla_response_paused_hours": 0.0,
                    "callback_date": False,
                    "callback_done": False,
                }
            )

    def _archive_handling_round(self, now):
        """Record the round that ends with this reopening, and say so."""
        reason = self.env.context.get("aftersales_reopen_reason") or self.env._(
            "Reopened by %(user)s", user=self.env.user.name
        )
        rounds = (
            self.env["aftersales.case.round"]
            .sudo()
            .create(
                [
                    {
                        "case_id": case.id,
                        "number": case.reopen_count + 1,
                        "date_start": case.sla_start_date,
                        "date_end": case.resolved_date,
                        "date_reopened": now,
                        "user_id": case.user_id.id,
                        "solution": case.solution,
                        "solution_confirmed_date": case.solution_confirmed_date,
                        "feedback_state": case.feedback_state,
                        "feedback_channel": case.feedback_channel,
                        "feedback_date": case.feedback_date,
                        "csat_score": case.csat_score,
                        "feedback_comment": case.feedback_comment,
                        "survey_user_input_id": case.survey_user_input_id.id,
                        "callback_done": case.callback_done,
                        "reopen_reason": reason,
                    }
                    for case in self
                ]
            )
        )
        for case, round_ in zip(self, rounds, strict=True):
            case.message_post(
                body=self.env._(
                    "Round %(number)s ended: %(reason)s. Round %(next)s starts.",
                    number=round_.number,
                    reason=reason,
                    next=round_.number + 1,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return rounds

    def _get_callback_date(self):
        """The day ``aftersales_callback_days`` business days after today."""
        self.ensure_one()
        return self._sla_business_date(
            self.team_id.resource_calendar_id or self.company_id.resource_calendar_id,
            fields.Date.context_today(self),
            max(self.company_id.aftersales_callback_days, 0),
        )

    def _schedule_callback(self):
        for case in self:
            date = case._get_callback_date()
            case.callback_date = date
            case.callback_done = False
            case._aftersales_activity_schedule(
                case.user_id or case.team_id.user_id or self.env.user,
                lambda case, env: {
                    "summary": env._(
                        "Call the customer back about %(case)s", case=case.reference
                    )
                },
                "pet_aftersales.mail_activity_type_callback",
                date_deadline=date,
            )

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

    def action_reopen(self):
        """Second handling: back to the team's first open stage."""
        open_cases = self.filtered(lambda c: not c.is_closed)
        if open_cases:
            raise UserError(
                self.env._(
                    "Only closed cases can be reopened (%(case)s is open).",
                    case=open_cases[0].display_name,
                )
            )
        for case in self:
            stage = case._get_open_stage()
            if not stage:
                raise UserError(
                    self.env._("No open stage is configured for this team.")
                )
            case.write({"stage_id": stage.id})
        return True

    def action_confirm_solution(self):
        """The customer agreed to the solution (客户确认)."""
        missing = self.filtered(lambda c: c.solution == "none")
        if missing:
            raise UserError(
                self.env._(
                    "Case %(case)s has no solution to confirm yet.",
                    case=missing[0].display_name,
                )
            )
        self.filtered(lambda c: not c.solution_confirmed_date).write(
            {"solution_confirmed_date": fields.Datetime.now()}
        )
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
