import ast

from odoo import api, fields, models


class AftersalesTeam(models.Model):
    _name = "aftersales.team"
    _description = "After-sales Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    # not by name: it is translated (JSON), grouping cases by team would
    # extract name->>'en_US' from every case row
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        check_company=True,
        domain=[("share", "=", False)],
        tracking=True,
    )
    member_ids = fields.Many2many(
        "res.users",
        "aftersales_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        check_company=True,
        domain=[("share", "=", False)],
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business Hours",
        check_company=True,
        help="Working hours used to compute SLA deadlines. "
        "Leave empty to count around the clock (24/7).",
    )
    assignment_method = fields.Selection(
        [
            ("manual", "Manual"),
            ("round_robin", "Round Robin"),
            ("balanced", "Balanced Workload"),
        ],
        default="manual",
        required=True,
        help="Manual: cases stay unassigned until someone takes them.\n"
        "Round Robin: new cases go to the members in turn.\n"
        "Balanced Workload: new cases go to the member with the fewest "
        "open cases.",
    )
    sla_policy_ids = fields.One2many(
        "aftersales.sla.policy", "team_id", string="SLA Policies"
    )
    case_ids = fields.One2many("aftersales.case", "team_id", string="Cases")
    color = fields.Integer("Color Index")
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned",
        readonly=True,
        copy=False,
        help="Member who got the last case in round-robin assignment.",
    )
    open_case_count = fields.Integer(
        string="Open Cases", compute="_compute_case_counts"
    )
    at_risk_case_count = fields.Integer(
        string="Cases at Risk", compute="_compute_case_counts"
    )
    breached_case_count = fields.Integer(
        string="Breached Cases", compute="_compute_case_counts"
    )
    unassigned_case_count = fields.Integer(
        string="Unassigned Cases", compute="_compute_case_counts"
    )

    def _compute_case_counts(self):
        groups = self.env["aftersales.case"]._read_group(
            [("team_id", "in", self.ids), ("is_closed", "=", False)],
            ["team_id", "sla_status", "user_id"],
            ["__count"],
        )
        counts = {
            team.id: dict.fromkeys(("open", "at_risk", "breached", "unassigned"), 0)
            for team in self
        }
        for team, sla_status, user, count in groups:
            team_counts = counts[team.id]
            team_counts["open"] += count
            if sla_status in ("at_risk", "breached"):
                team_counts[sla_status] += count
            if not user:
                team_counts["unassigned"] += count
        for team in self:
            team.open_case_count = counts[team.id]["open"]
            team.at_risk_case_count = counts[team.id]["at_risk"]
            team.breached_case_count = counts[team.id]["breached"]
            team.unassigned_case_count = counts[team.id]["unassigned"]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        self._aftersales_membership_changed()
        return teams

    def write(self, vals):
        res = super().write(vals)
        if "member_ids" in vals or "user_id" in vals:
            self._aftersales_membership_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self._aftersales_membership_changed()
        return res

    def _aftersales_membership_changed(self):
        """The agents' case rule lists the ids of their teams
        (res.users.aftersales_team_ids) so that PostgreSQL can use the
        team index: recompute it and drop the cached rule domains."""
        self.env["res.users"].invalidate_model(["aftersales_team_ids"])
        self.env.registry.clear_cache()

    # ------------------------------------------------------------
    # MAIL ALIAS
    # ------------------------------------------------------------

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("aftersales.case").id
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(
                self.alias_defaults or "{}"
            )
            defaults["team_id"] = self.id
            defaults["channel"] = "email"
        return values

    # ------------------------------------------------------------
    # ASSIGNMENT
    # ------------------------------------------------------------

    def _next_owners(self, count):
        """Owners for ``count`` new cases of this team, by its method."""
        self.ensure_one()
        members = self.member_ids.filtered("active").sorted("id")
        if self.assignment_method == "manual" or not members:
            return [self.env["res.users"]] * count
        if self.assignment_method == "round_robin":
            ids = members.ids
            last = self.last_assigned_user_id.id
            start = ids.index(last) + 1 if last in ids else 0
            owners = [members[(start + i) % len(ids)] for i in range(count)]
            self.sudo().last_assigned_user_id = owners[-1]
            return owners
        # balanced: fewest open cases first, counted in one query
        loads = dict.fromkeys(members.ids, 0)
        for user, open_count in (
            self.env["aftersales.case"]
            .sudo()
            ._read_group(
                [("user_id", "in", members.ids), ("is_closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        ):
            loads[user.id] = open_count
        owners = []
        for _i in range(count):
            user_id = min(loads, key=lambda uid: (loads[uid], uid))
            loads[user_id] += 1
            owners.append(members.browse(user_id))
        return owners

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _action_view_cases(self, extra_context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        action["display_name"] = self.name
        action["domain"] = [("team_id", "=", self.id)]
        context = {"default_team_id": self.id, "search_default_open": 1}
        context.update(extra_context or {})
        action["context"] = context
        return action

    def action_view_open_cases(self):
        return self._action_view_cases()

    def action_view_at_risk_cases(self):
        return self._action_view_cases({"search_default_sla_at_risk": 1})

    def action_view_breached_cases(self):
        return self._action_view_cases({"search_default_sla_breached": 1})

    def action_view_unassigned_cases(self):
        return self._action_view_cases({"search_default_unassigned": 1})

    @api.model
    def _default_team(self, company=None):
        company = company or self.env.company
        team = company.aftersales_default_team_id
        if not team:
            team = self.search([("company_id", "=", company.id)], limit=1)
        return team
