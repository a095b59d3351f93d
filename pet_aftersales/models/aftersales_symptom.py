from odoo import fields, models


class AftersalesSymptom(models.Model):
    """What a pet showed after eating or using a product (pet-health cases)."""

    _name = "aftersales.symptom"
    _description = "Pet Symptom"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_unique", "unique(name)", "This symptom already exists."),
    ]
