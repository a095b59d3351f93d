from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class PetProfile(models.Model):
    _name = "pet.profile"
    _description = "Pet"
    _inherit = ["image.mixin", "mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    species = fields.Selection(
        [
            ("dog", "Dog"),
            ("cat", "Cat"),
            ("bird", "Bird"),
            ("fish", "Fish"),
            ("reptile", "Reptile"),
            ("small_mammal", "Small Mammal"),
            ("other", "Other"),
        ],
        required=True,
        default="dog",
        index=True,
    )
    breed = fields.Char()
    sex = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("unknown", "Unknown")],
        default="unknown",
    )
    birthdate = fields.Date(string="Date of Birth")
    age_years = fields.Integer(string="Age (years)", compute="_compute_age_years")
    weight_kg = fields.Float(string="Weight (kg)", digits=(16, 2))
    neutered = fields.Boolean(string="Neutered / Spayed")
    allergies = fields.Text()
    diet_notes = fields.Text()
    health_notes = fields.Text()
    deceased_date = fields.Date()
    case_ids = fields.One2many("aftersales.case", "pet_id", string="Cases")

    @api.depends("birthdate", "deceased_date")
    def _compute_age_years(self):
        today = fields.Date.context_today(self)
        for pet in self:
            if pet.birthdate:
                end = pet.deceased_date or today
                pet.age_years = max(relativedelta(end, pet.birthdate).years, 0)
            else:
                pet.age_years = 0
