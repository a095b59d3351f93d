from odoo import api, fields, models

from .aftersales_case import IMPACT_SCORE, IMPACTS, PRIORITIES, URGENCIES, URGENCY_SCORE


class AftersalesPriorityRule(models.Model):
    """One cell of a company's urgency x impact priority matrix."""

    _name = "aftersales.priority.rule"
    _description = "After-sales Priority Matrix Cell"
    _order = "company_id, urgency, impact"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    urgency = fields.Selection(URGENCIES, required=True)
    impact = fields.Selection(IMPACTS, required=True)
    priority = fields.Selection(PRIORITIES, required=True, default="1")

    _sql_constraints = [
        (
            "cell_uniq",
            "unique(company_id, urgency, impact)",
            "The priority matrix has one cell per urgency and impact.",
        ),
    ]

    @api.model
    def _default_priority(self, urgency, impact):
        """Priority when the company defines no cell: urgency + impact, capped."""
        score = URGENCY_SCORE.get(urgency, 1) + IMPACT_SCORE.get(impact, 0)
        return str(min(score, 3))

    @api.model
    def _get_matrix(self, companies):
        """Return {(company_id, urgency, impact): priority} in one query."""
        rules = self.sudo().search_fetch(
            [("company_id", "in", companies.ids)],
            ["company_id", "urgency", "impact", "priority"],
        )
        return {
            (rule.company_id.id, rule.urgency, rule.impact): rule.priority
            for rule in rules
        }

    @api.model
    def _create_default_matrix(self, companies=None):
        """Fill the nine cells for companies that have none yet (all if None)."""
        if companies is None:
            companies = self.env["res.company"].sudo().search([])
        existing = set(
            self.sudo().search([("company_id", "in", companies.ids)]).company_id.ids
        )
        vals_list = [
            {
                "company_id": company.id,
                "urgency": urgency,
                "impact": impact,
                "priority": self._default_priority(urgency, impact),
            }
            for company in companies
            if company.id not in existing
            for urgency, _label in URGENCIES
            for impact, _label2 in IMPACTS
        ]
        return self.sudo().create(vals_list)
