from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import AftersalesCommon


@tagged("post_install", "-at_install")
class TestPetProfile(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pet = cls.env["pet.profile"]
        cls.lucky = cls.Pet.create(
            {
                "name": "Lucky",
                "partner_id": cls.customer.id,
                "species": "dog",
                "birthdate": date.today().replace(year=date.today().year - 4),
            }
        )
        cls.buddy = cls.Pet.create(
            {
                "name": "Buddy",
                "partner_id": cls.customer.id,
                "species": "dog",
                "birthdate": date.today().replace(year=date.today().year - 12),
                "deceased_date": date.today() - timedelta(days=30),
            }
        )

    def test_age_stops_at_death(self):
        self.assertEqual(self.lucky.age_years, 4)
        self.assertEqual(self.buddy.age_years, 11)

    def test_deceased_pets_are_never_alive(self):
        pets = self.lucky | self.buddy
        self.assertEqual(pets._aftersales_is_alive(), self.lucky)
        self.assertTrue(self.buddy.is_deceased)
        self.assertEqual(
            self.Pet.search([("is_deceased", "=", True), ("id", "in", pets.ids)]),
            self.buddy,
        )
        self.assertEqual(
            self.Pet.search([("is_deceased", "=", False), ("id", "in", pets.ids)]),
            self.lucky,
        )
        self.lucky.action_archive()
        self.assertFalse(pets._aftersales_is_alive())

    def test_dates_checked(self):
        # "today" where the user is, as the check counts it (near midnight
        # UTC, the user's day may already be tomorrow)
        today = fields.Date.context_today(self.lucky)
        with self.assertRaises(ValidationError):
            self.lucky.deceased_date = today + timedelta(days=1)
        with self.assertRaises(ValidationError):
            self.lucky.deceased_date = self.lucky.birthdate - timedelta(days=1)
        with self.assertRaises(ValidationError):
            self.lucky.weight_kg = -1

    def test_pets_archived_not_deleted(self):
        with self.assertRaises(UserError):
            self.lucky.with_user(self.agent).unlink()
        with self.assertRaises(UserError):
            self.lucky.with_user(self.supervisor).unlink()
        self.lucky.with_user(self.agent).action_archive()
        self.assertFalse(self.lucky.active)
        # A manager may remove a duplicate typed by mistake.
        self.buddy.with_user(self.manager).unlink()
        self.assertFalse(self.buddy.exists())

    def test_partner_pets_smart_button(self):
        self.assertEqual(self.customer.aftersales_pet_count, 2)
        action = self.customer.action_view_pets()
        self.assertEqual(self.Pet.search(action["domain"]), self.lucky | self.buddy)

    def test_no_mail_template_names_a_pet_unfiltered(self):
        """Every mail template of the addon that talks about a pet goes
        through _aftersales_is_alive(), so no mail names a deceased pet."""
        templates = self.env["mail.template"].search(
            [("model", "in", ["aftersales.case", "aftersales.rma", "pet.profile"])]
        )
        for template in templates:
            for field in ("subject", "body_html"):
                content = str(template[field] or "")
                if "pet_id" in content or "pet_ids" in content:
                    self.assertIn("_aftersales_is_alive", content, template.name)
