import ast

from odoo import api, fields, models


class AftersalesTeam(models.Model):
    _name = "aftersales.team"
    _description = "After-sales Team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _order = "sequence, name"
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

    @api.model
    def _default_team(self, company=None):
        company = company or self.env.company
        team = company.aftersales_default_team_id
        if not team:
            team = self.search([("company_id", "=", company.id)], limit=1)
        return team
