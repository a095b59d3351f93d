import logging
from collections import defaultdict
from datetime import datetime

from markupsafe import Markup

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

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
    # SLA
    # ------------------------------------------------------------

    def _get_sla_policies_by_team(self):
        policies = (
            self.env["aftersales.sla.policy"]
            .sudo()
            .search([("team_id", "in", self.team_id.ids)])
        )
        by_team = defaultdict(list)
        for policy in policies:
            by_team[policy.team_id.id].append(policy)
        return by_team

    def _match_sla_policy(self, policies_by_team):
        """The most specific active policy of the team for this case.

        A policy matches when its categories are empty or contain the case's
        category and its minimum priority is at most the case's. Policies
        naming categories beat generic ones, then the highest minimum priority
        wins.
        """
        self.ensure_one()
        best = self.env["aftersales.sla.policy"]
        best_key = None
        priority = int(self.priority or 0)
        for policy in policies_by_team.get(self.team_id.id, ()):
            if int(policy.priority) > priority:
                continue
            if policy.category_ids and self.category_id not in policy.category_ids:
                continue
            key = (bool(policy.category_ids), int(policy.priority), -policy.id)
            if best_key is None or key > best_key:
                best, best_key = policy, key
        return best

    def _sla_targets(self):
        return {
            case: (
                case.sla_policy_id.response_hours,
                case.sla_policy_id.resolution_hours,
            )
            for case in self
        }

    def _sla_calendar(self):
        self.ensure_one()
        if self.sla_policy_id.clock == "calendar":
            return self.env["resource.calendar"]
        return self.team_id.resource_calendar_id

    def _sla_progress(self):
        self.ensure_one()
        return self.first_response_date, self.resolved_date, self.is_closed

    def _sla_open_domain(self):
        return [("is_closed", "=", False)]

    @api.model
    def _cron_sla_escalation(self, batch_size=500):
        """Escalate cases entering the last 20% of a window or past a deadline.

        At risk: an activity for the owner. Breached: one message per team
        leader listing the team's breached cases. Each case is escalated once
        for each level (flags), in batches that report progress.
        """
        return self._sla_escalate(batch_size)

    def _sla_on_risk(self):
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_sla_risk", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for case in self:
            owner = case.user_id or case.team_id.user_id
            if not owner:
                continue
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "user_id": owner.id,
                    "date_deadline": today,
                    "automated": True,
                    "summary": self.env._("SLA at risk: answer before the deadline"),
                }
            )
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _sla_on_breach(self):
        """One notification per team leader listing the newly breached cases."""
        for team in self.team_id:
            cases = self.filtered(lambda c, t=team: c.team_id == t)
            leader = team.user_id
            if not leader:
                continue
            items = Markup("").join(
                Markup('<li><a href="/odoo/aftersales.case/%s">%s</a></li>')
                % (case.id, case.display_name)
                for case in cases
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "%(count)s case(s) of team %(team)s breached their "
                    "service-level deadline:",
                    count=len(cases),
                    team=team.name,
                ),
                items,
            )
            team.message_notify(
                partner_ids=leader.partner_id.ids,
                body=body,
                subject=self.env._("SLA breached: %(team)s", team=team.name),
                email_layout_xmlid="mail.mail_notification_light",
            )

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

    def _aftersales_feedback_link_vals(self):
        self.ensure_one()
        return {"aftersales_case_id": self.id}

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

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def _creation_subtype(self):
        return self.env.ref("pet_aftersales.mt_case_new")

    def _aftersales_bulk_chatter(self, vals_list):
        """What mail.thread does when it creates records, for a whole batch.

        Creating many cases at once (an integration, a bulk intake) would
        otherwise post one "case opened" message and one "you have been
        assigned" mail per case, about 19 queries each. Here the followers
        (creator, the team's followers of "Case Opened", the assignee) are
        inserted in one batch, and each team posts one digest linking all its
        new cases: it records the creation in the team's chatter and notifies
        the team's followers and the assignees once. Like Odoo's own import,
        the cases themselves get no "created" note (their creator and date
        are on the record).
        """
        if not self:
            return
        ctx = self.env.context
        self._aftersales_bulk_subscribe()
        if not ctx.get("mail_create_nolog"):
            self._aftersales_notify_bulk_created()
        if not ctx.get("mail_notrack"):
            # the stage's mail template, as mail.thread schedules it on create
            tracked = self._track_get_fields()
            for case, vals in zip(self, vals_list, strict=True):
                changes = [fname for fname in tracked if vals.get(fname)]
                if changes:
                    self.env.cr.precommit.add(case._track_post_template_finalize)
                    self.env.cr.precommit.data.setdefault(
                        f"mail.tracking.create.{self._name}.{case.id}", changes
                    )

    def _aftersales_bulk_subscribe(self):
        """Followers of new cases in one INSERT batch: the creator, the
        team's followers (through the parent subtypes) and the assignee, with
        the subtypes mail.thread's auto-subscription would give them."""
        Subtype = self.env["mail.message.subtype"]
        child_ids, def_ids, int_ids, parent, _relation = (
            Subtype._get_auto_subscription_subtypes(self._name)
        )
        defaults, _internal, external = Subtype._default_subtypes(self._name)
        team_followers = defaultdict(dict)
        teams = self.team_id
        if teams:
            rows = self.env["mail.followers"]._get_subscription_data(
                [(teams._name, teams.ids)],
                None,
                include_pshare=True,
                include_active=True,
            )
            for _fol_id, team_id, partner_id, subtype_ids, pshare, active in rows:
                if not partner_id or not active:
                    continue
                sids = {parent[sid] for sid in subtype_ids if parent.get(sid)}
                sids |= {
                    sid for sid in subtype_ids if sid not in parent and sid in child_ids
                }
                team_followers[team_id][partner_id] = (
                    sids - set(int_ids) if pshare else sids
                )
        creator = self.env.user
        subscribe_creator = (
            not self.env.context.get("mail_create_nosubscribe") and creator.active
        )
        creator_sids = set(external if creator.share else defaults)
        vals_list = []
        for case in self:
            partners = defaultdict(set)
            if subscribe_creator:
                partners[creator.partner_id.id] |= creator_sids
            for partner_id, sids in team_followers[case.team_id.id].items():
                partners[partner_id] |= sids
            if case.user_id.sudo().active:
                partners[case.user_id.sudo().partner_id.id] |= set(def_ids)
            vals_list.extend(
                {
                    "res_model": self._name,
                    "res_id": case.id,
                    "partner_id": partner_id,
                    "subtype_ids": [Command.set(sorted(sids))],
                }
                for partner_id, sids in partners.items()
            )
        self.env["mail.followers"].sudo().create(vals_list)

    def _aftersales_notify_bulk_created(self):
        """One digest per team, posted on the team: it notifies the team's
        followers of "Case Opened" and the assignees of the new cases, each
        listed under their owner, instead of one notification per case."""
        digest_size = 50
        for team, cases in self.grouped("team_id").items():
            assignees = cases.user_id.filtered(
                lambda u: u != self.env.user and u.sudo().active
            )
            sections = []
            for user, owned in cases.grouped("user_id").items():
                items = Markup("").join(
                    Markup('<li><a href="%s">%s</a></li>')
                    % (case._notify_get_action_link("view"), case.display_name)
                    for case in owned[:digest_size]
                )
                if len(owned) > digest_size:
                    items += Markup("<li>%s</li>") % self.env._(
                        "… and %(count)s more", count=len(owned) - digest_size
                    )
                sections.append(
                    Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Assigned to %(user)s (%(count)s):",
                            user=user.name,
                            count=len(owned),
                        )
                        if user
                        else self.env._("Unassigned (%(count)s):", count=len(owned)),
                        items,
                    )
                )
            body = Markup("<p>%s</p>%s") % (
                self.env._("%(count)s new cases were opened.", count=len(cases)),
                Markup("").join(sections),
            )
            if team:
                team.sudo().message_post(
                    subtype_xmlid="pet_aftersales.mt_team_case_new",
                    author_id=self.env.user.partner_id.id,
                    partner_ids=assignees.partner_id.ids,
                    body=body,
                )
            elif assignees:
                self.env["mail.thread"].message_notify(
                    partner_ids=assignees.partner_id.ids,
                    subject=self.env._("New after-sales cases"),
                    body=body,
                    email_layout_xmlid="mail.mail_notification_layout",
                )

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("pet_aftersales.mt_case_stage")
        return super()._track_subtype(init_values)

    def _track_template(self, changes):
        res = super()._track_template(changes)
        case = self[0]
        if "stage_id" in changes and case.stage_id.mail_template_id:
            res["stage_id"] = (
                case.stage_id.mail_template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for case in self:
            if case.partner_id:
                case._message_add_suggested_recipient(
                    recipients,
                    partner=case.partner_id,
                    reason=self.env._("Customer"),
                )
            elif case.email_from:
                case._message_add_suggested_recipient(
                    recipients,
                    email=case.email_from,
                    reason=self.env._("Customer Email"),
                )
        return recipients

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to a team alias opens a case for the sender.

        A known sender becomes the customer. An unknown one is kept as the
        case's address only (no contact: spam must not fill Contacts) unless
        the company creates contacts from incoming mail; an agent can link
        or create the contact later.
        """
        values = dict(custom_values or {})
        replied_case_id = values.pop("aftersales_replied_case_id", False)
        values["channel"] = "email"
        values.setdefault("description", msg_dict.get("body"))
        email_from = msg_dict.get("email_from")
        if email_from and not values.get("partner_id"):
            team = self.env["aftersales.team"].browse(values.get("team_id"))
            company = team.company_id or self.env.company
            partner = self._mail_find_partner_from_emails(
                [email_from], force_create=company.aftersales_mail_create_partner
            )[0]
            if partner:
                values["partner_id"] = partner.id
            values.setdefault("email_from", email_from)
        case = super(
            AftersalesCase, self.with_context(mail_create_nolog=True)
        ).message_new(msg_dict, custom_values=values)
        if case.partner_id:
            case.message_subscribe(partner_ids=case.partner_id.ids)
        if replied_case_id:
            replied = self.browse(replied_case_id)
            case.message_post(
                body=self.env._(
                    "This mail answered case %(case)s, but its sender is neither "
                    "that case's customer nor one of its followers: it opened "
                    "this new case instead.",
                    case=replied.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        case._send_acknowledgement()
        return case

    def _aftersales_reply_allowed(self, message_dict):
        """Whether an incoming reply may join this case's thread (and reopen
        it): from the customer, a follower or a staff member only."""
        self.ensure_one()
        case = self.sudo()
        sender = tools.email_normalize(message_dict.get("email_from") or "")
        if sender and sender in (
            case.partner_id.email_normalized,
            tools.email_normalize(case.email_from or ""),
        ):
            return True
        author = self.env["res.partner"].sudo().browse(message_dict.get("author_id"))
        if not author and sender:
            author = (
                self.env["res.partner"]
                .sudo()
                .search([("email_normalized", "=", sender)])
            )
        if author & case.message_partner_ids:
            return True
        return bool(author.user_ids.filtered(lambda u: not u.share))

    def message_update(self, msg_dict, update_vals=None):
        """A customer's reply to a closed case reopens it (second handling)."""
        author_id = msg_dict.get("author_id")
        author = self.env["res.partner"].browse(author_id) if author_id else None
        from_staff = bool(author and author.user_ids.filtered(lambda u: not u.share))
        if not from_staff:
            self.filtered("is_closed").action_reopen()
        return super().message_update(msg_dict, update_vals=update_vals)

    def _send_acknowledgement(self):
        """Acknowledge a case opened by mail. A sender without contact gets it
        at their address: the composer would create a contact for them."""
        template = self.env.ref(
            "pet_aftersales.mail_template_case_acknowledgement",
            raise_if_not_found=False,
        )
        if not template:
            return
        for case in self.filtered(lambda c: c.partner_id.email or c.email_from):
            if case.partner_id:
                case._aftersales_message_post_template(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    message_type="auto_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
            else:
                template.send_mail(
                    case.id,
                    email_layout_xmlid="mail.mail_notification_light",
                    email_values={"auto_delete": False, "recipient_ids": []},
                )

    def message_post_with_source(self, source_ref, **kwargs):
        # what the system sends from a template is never a first response
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        ).message_post_with_source(source_ref, **kwargs)

    def _aftersales_message_post_template(self, template, **kwargs):
        # the same for templates posted in a batch
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        )._aftersales_message_post_template(template, **kwargs)

    def _aftersales_send_survey_mail(self, template, user_input):
        # the survey invitation is not an answer to the customer
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        )._aftersales_send_survey_mail(template, user_input)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if (
            message.message_type == "comment"
            and not self.env.context.get("aftersales_automatic_mail")
            and message.subtype_id
            and not message.subtype_id.internal
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            self.filtered(lambda c: not c.first_response_date).sudo().write(
                {"first_response_date": message.date or fields.Datetime.now()}
            )
        return message


class AftersalesCaseChecklistItem(models.Model):
    """One standard operating step of a case, ticked off by the agent."""

    _name = "aftersales.case.checklist.item"
    _description = "After-sales Case Checklist Step"
    _order = "case_id, sequence, id"

    case_id = fields.Many2one(
        "aftersales.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Step", required=True)
    done = fields.Boolean()
    done_user_id = fields.Many2one("res.users", string="Done by", readonly=True)
    done_date = fields.Datetime(string="Done on", readonly=True)

    def write(self, vals):
        if "done" in vals:
            vals = dict(vals)
            if vals["done"]:
                vals.update(done_user_id=self.env.uid, done_date=fields.Datetime.now())
            else:
                vals.update(done_user_id=False, done_date=False)
        return super().write(vals)


class AftersalesCaseRound(models.Model):
    """One finished handling round of a case (second handling, 二次处理).

    Written by the system when a solved case is reopened: what was offered,
    whether the customer confirmed it, the feedback of that round and why
    the case was reopened. Read-only history.
    """

    _name = "aftersales.case.round"
    _description = "After-sales Case Handling Round"
    _order = "case_id, number"

    case_id = fields.Many2one(
        "aftersales.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    number = fields.Integer(string="Round", required=True)
    date_start = fields.Datetime(string="Started on")
    date_end = fields.Datetime(string="Solved on")
    date_reopened = fields.Datetime(string="Reopened on")
    user_id = fields.Many2one("res.users", string="Handled by")
    solution = fields.Selection(
        selection=lambda self: self.env["aftersales.case"]
        ._fields["solution"]
        ._description_selection(self.env)
    )
    solution_confirmed_date = fields.Datetime(string="Solution Confirmed on")
    feedback_state = fields.Selection(
        selection=lambda self: self.env["aftersales.case"]
        ._fields["feedback_state"]
        ._description_selection(self.env),
        string="Feedback",
    )
    feedback_channel = fields.Selection(
        [("survey", "Survey"), ("callback", "Phone Call-back")]
    )
    feedback_date = fields.Datetime(string="Feedback Received on")
    csat_score = fields.Float(string="Satisfaction Score", aggregator="avg")
    feedback_comment = fields.Text(string="Customer Comment")
    survey_user_input_id = fields.Many2one("survey.user_input", string="Survey Answer")
    callback_done = fields.Boolean(string="Call-back Done")
    reopen_reason = fields.Char(string="Reopened because")
