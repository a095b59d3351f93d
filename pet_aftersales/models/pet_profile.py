from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Longest text a customer may give for a pet on the portal.
PET_TEXT_LIMITS = {
    "name": 128,
    "breed": 128,
    "allergies": 2000,
    "diet_notes": 2000,
    "health_notes": 2000,
}


class PetProfile(models.Model):
    _name = "pet.profile"
    _description = "Pet"
    _inherit = ["image.mixin", "mail.thread", "mail.activity.mixin"]
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
    deceased_date = fields.Date(
        tracking=True,
        help="Once set, no survey, marketing or reminder mentions this pet any more.",
    )
    is_deceased = fields.Boolean(
        string="Deceased",
        compute="_compute_is_deceased",
        search="_search_is_deceased",
    )
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

    @api.depends("deceased_date")
    def _compute_is_deceased(self):
        for pet in self:
            pet.is_deceased = bool(pet.deceased_date)

    def _search_is_deceased(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the deceased flag."))
        deceased = (operator == "=") == bool(value)
        return [("deceased_date", "!=" if deceased else "=", False)]

    @api.constrains("birthdate", "deceased_date", "weight_kg")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for pet in self:
            if pet.birthdate and pet.birthdate > today:
                raise ValidationError(
                    self.env._("%(pet)s cannot be born in the future.", pet=pet.name)
                )
            if pet.deceased_date and (
                pet.deceased_date > today
                or (pet.birthdate and pet.deceased_date < pet.birthdate)
            ):
                raise ValidationError(
                    self.env._(
                        "The date of death of %(pet)s must be between its birth "
                        "and today.",
                        pet=pet.name,
                    )
                )
            if pet.weight_kg < 0:
                raise ValidationError(
                    self.env._(
                        "The weight of %(pet)s cannot be negative.", pet=pet.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        pets = super().create(vals_list)
        pets.filtered("deceased_date")._aftersales_on_deceased()
        return pets

    def write(self, vals):
        newly_deceased = (
            self.filtered(lambda pet: not pet.deceased_date)
            if vals.get("deceased_date")
            else self.browse()
        )
        res = super().write(vals)
        newly_deceased._aftersales_on_deceased()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_manager(self):
        """Pets are history (cases, lots, health alerts): archive them.

        Only after-sales managers may really delete a profile (e.g. a
        duplicate typed by mistake)."""
        if not self.env.su and not self.env.user.has_group(
            "pet_aftersales.pet_aftersales_group_manager"
        ):
            raise UserError(
                self.env._(
                    "Pet profiles are never deleted: archive %(pets)s instead.",
                    pets=", ".join(self.mapped("name")),
                )
            )

    def _aftersales_is_alive(self):
        """The pets of ``self`` that may still be mentioned to their owner.

        Surveys, marketing and reminders must filter the pets they talk about
        through this method, so that no mail ever names a deceased pet."""
        today = fields.Date.context_today(self)
        return self.filtered(
            lambda pet: pet.active
            and not (pet.deceased_date and pet.deceased_date <= today)
        )

    def _aftersales_condolence_user(self):
        """Who writes to the owner: whoever handled their latest case about
        this pet, else the leader of the company's default after-sales team."""
        self.ensure_one()
        case = (
            self.env["aftersales.case"]
            .sudo()
            .search(
                [("pet_id", "=", self.id), ("user_id", "!=", False)],
                order="create_date desc, id desc",
                limit=1,
            )
        )
        company = self.partner_id.company_id or self.env.company
        return case.user_id or company.aftersales_default_team_id.user_id

    def _aftersales_on_deceased(self):
        """A pet passed away: the owner's agent gets a to-do with the condolence
        mail (in the owner's language); surveys and reminders about the pet
        stop (see ``_aftersales_feedback_pets``)."""
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_condolence", raise_if_not_found=False
        )
        for pet in self.sudo():
            pet.message_post(
                body=self.env._("%(pet)s passed away.", pet=pet.name),
                subtype_xmlid="mail.mt_note",
            )
            user = pet._aftersales_condolence_user()
            if activity_type and user:
                pet.with_context(mail_activity_quick_update=True).activity_schedule(
                    act_type_xmlid="pet_aftersales.mail_activity_type_condolence",
                    summary=activity_type.with_context(lang=user.lang).summary,
                    user_id=user.id,
                )

    def action_aftersales_condolences(self):
        """Open the composer with the condolence mail, in the owner's language."""
        self.ensure_one()
        template = self.env.ref("pet_aftersales.mail_template_pet_condolence")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }
