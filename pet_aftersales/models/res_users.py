from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    aftersales_team_ids = fields.Many2many(
        "aftersales.team",
        string="After-sales Teams",
        compute="_compute_aftersales_team_ids",
        help="The after-sales teams the user belongs to or leads: an agent "
        "works on their cases.",
    )

    def _compute_aftersales_team_ids(self):
        # archived teams included: their cases stay visible to their members
        teams = (
            self.env["aftersales.team"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("member_ids", "in", self.ids), ("user_id", "in", self.ids)])
        )
        for user in self:
            user.aftersales_team_ids = teams.filtered(
                lambda team, user=user: user in team.member_ids or team.user_id == user
            )
