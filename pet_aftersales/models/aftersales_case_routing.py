"""Where a case goes: its reference, team, owner, urgency and priority, on
create and when it is reclassified."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .aftersales_case import IMPACTS, PET_HEALTH_CODE, PRIORITIES, URGENCIES


class AftersalesCase(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.case"

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
                .search_fetch(
                    [
                        ("code", "=", "aftersales.case"),
                        ("company_id", "in", [company_id, False]),
                    ],
                    ["implementation", "use_date_range", "prefix", "suffix", "padding"],
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
