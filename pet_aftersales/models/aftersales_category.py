from odoo import fields, models, tools
from odoo.tools import SQL

from .aftersales_case import IMPACTS, URGENCIES


class AftersalesCategory(models.Model):
    _name = "aftersales.category"
    _description = "After-sales Case Category"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Technical code used by integrations and automation rules.",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the category between companies.",
    )
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "aftersales.team",
        string="Responsible Team",
        help="Cases of this category are routed to this team.",
    )
    is_quality = fields.Boolean(
        string="Quality Issue",
        help="Cases of this category count towards product and lot quality alerts.",
    )
    default_urgency = fields.Selection(
        URGENCIES,
        default="medium",
    )
    default_impact = fields.Selection(
        IMPACTS,
        default="single",
    )
    _sql_constraints = [
        (
            "code_uniq",
            "unique(code, company_id)",
            "The category code must be unique per company.",
        ),
    ]

    def init(self):
        res = super().init()
        # unique(code, company_id) lets NULLs differ: shared categories
        # (no company) get their own unique index
        if not tools.index_exists(self.env.cr, "aftersales_category_shared_code_uniq"):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX aftersales_category_shared_code_uniq "
                    "ON %s (code) WHERE company_id IS NULL",
                    SQL.identifier(self._table),
                )
            )
        return res
