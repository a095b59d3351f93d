from odoo import fields, models

from .aftersales_case import PRIORITIES
from .aftersales_sla_mixin import SLA_CLOCKS


class AftersalesSlaPolicy(models.Model):
    _name = "aftersales.sla.policy"
    _description = "After-sales SLA Policy"
    _order = "team_id, priority desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    # no check_company: the company follows the team, and its domain
    # ([('company_id', 'in', [company_id, False])] with an empty related
    # company on a new policy) offered no team at all
    team_id = fields.Many2one(
        "aftersales.team",
        required=True,
        index=True,
        ondelete="cascade",
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
    clock = fields.Selection(
        SLA_CLOCKS,
        default="business",
        required=True,
        help="Business Hours: only the team's working hours count (round the "
        "clock when the team has none). Round the Clock: every hour counts, "
        "nights, weekends and holidays too, as urgent commitments need.",
    )
    response_hours = fields.Float(
        help="Time to first response, in hours of the policy's clock.",
    )
    resolution_hours = fields.Float(
        help="Time to resolution, in hours of the policy's clock.",
    )
    description = fields.Text(translate=True)
