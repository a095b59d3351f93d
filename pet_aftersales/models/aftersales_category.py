from odoo import fields, models


class AftersalesCategory(models.Model):
    _name = "aftersales.category"
    _description = "After-sales Case Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Technical code used by integrations and automation rules.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "aftersales.team",
        string="Responsible Team",
        help="Cases of this category are routed to this team.",
    )
    is_quality = fields.Boolean(
        string="Quality Issue",
        help="Cases of this category count towards product and lot quality " "alerts.",
    )
    default_urgency = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        default="medium",
    )
    default_impact = fields.Selection(
        [
            ("single", "Single Customer"),
            ("several", "Several Customers"),
            ("widespread", "Widespread"),
        ],
        default="single",
    )
    checklist = fields.Html(
        translate=True,
        help="Standard operating steps for handling this kind of case.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The category code must be unique."),
    ]
