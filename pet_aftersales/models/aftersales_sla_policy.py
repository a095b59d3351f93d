from odoo import fields, models

from .aftersales_case import PRIORITIES


class AftersalesSlaPolicy(models.Model):
    _name = "aftersales.sla.policy"
    _description = "After-sales SLA Policy"
    _order = "team_id, priority desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "aftersales.team",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    category_ids = fields.Many2many(
        "aftersales.category",
        string="Categories",
        help="Categories this policy applies to. Leave empty for all.",
    )
    priority = fields.Selection(
        PRIORITIES,
        string="Minimum Priority",
        default="0",
        required=True,
        help="The policy applies to cases of this priority or higher.",
    )
    response_hours = fields.Float(
        help="Time to first response, in the team's business hours.",
    )
    resolution_hours = fields.Float(
        help="Time to resolution, in the team's business hours.",
    )
    description = fields.Text(translate=True)
