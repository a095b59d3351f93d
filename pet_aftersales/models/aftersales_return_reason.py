from odoo import fields, models


class AftersalesReturnReason(models.Model):
    _name = "aftersales.return.reason"
    _description = "Return Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_fault = fields.Boolean(
        help="Quality problem or our own error: the company pays the return "
        "shipping and may owe the customer a compensation.",
    )
    needs_evidence = fields.Boolean(
        help="The customer must attach photos or videos as evidence.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The return reason code must be unique."),
    ]
