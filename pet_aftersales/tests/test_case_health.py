import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import AftersalesCaseCommon
from .portal_common import PORTAL_LOGIN, PortalFixture
from .rma_common import RmaCommon


@tagged("post_install", "-at_install")
class TestCaseHealth(AftersalesCaseCommon):
    """The clinical record of a pet-health case, kept by the agent who takes
    the call; the vet-cost claim decided by the supervisor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.health = cls.env.ref("pet_aftersales.aftersales_category_pet_health")
        cls.product = cls.env["product.product"].create(
            {"name": "Salmon kibble 2 kg", "type": "consu", "list_price": 30.0}
        )
        cls.pet = cls.env["pet.profile"].create(
            {"name": "Lucky", "partner_id": cls.customer.id, "species": "dog"}
        )
        cls.clinic = cls.env["res.partner"].create(
            {"name": "Happy Paws Clinic", "is_company": True}
        )
        cls.accountant = new_test_user(
            cls.env, login="as_accountant", groups="account.group_account_invoice"
        )

    def _health_case(self, user):
        return (
            self.env["aftersales.case"]
            .with_user(user)
            .create(
                {
                    "name": "Vomiting after the new bag",
                    "partner_id": self.customer.id,
                    "category_id": self.health.id,
                    "product_id": self.product.id,
                    "pet_id": self.pet.id,
                }
            )
        )

    @freeze_time("2026-11-10 10:00:00")
    def test_agent_records_symptoms_vet_and_authority_report(self):
        case = self._health_case(self.agent)
        vomiting = self.env.ref("pet_aftersales.aftersales_symptom_vomiting")
        lethargy = self.env.ref("pet_aftersales.aftersales_symptom_lethargy")
        report = self.env["ir.attachment"].create(
            {
                "name": "vet-report.pdf",
                "raw": b"%PDF-1.4 vet",
                "res_model": case._name,
                "res_id": case.id,
            }
        )
        with Form(case.with_user(self.agent)) as form:
            form.symptom_ids.add(vomiting)
            form.symptom_ids.add(lethargy)
            form.symptom_note = "Vomited twice, sleeps all day"
            form.symptom_onset_date = date(2026, 11, 8)
            form.vet_visit_date = date(2026, 11, 9)
            form.vet_clinic_id = self.clinic
            form.vet_report_ids.add(report)
            form.authority_reported = True
            form.authority_report_date = date(2026, 11, 10)
            form.authority_report_ref = "FDA-SRP-2026-0042"
        self.assertEqual(case.symptom_ids, vomiting | lethargy)
        self.assertEqual(case.vet_report_ids, report)
        self.assertTrue(case.authority_reported)
        # the search filter the quality manager uses finds it
        self.assertIn(
            case,
            self.env["aftersales.case"]
            .with_user(self.manager)
            .search(
                [("authority_reported", "=", True), ("symptom_ids", "in", vomiting.ids)]
            ),
        )

    @freeze_time("2026-11-10 10:00:00")
    def test_health_record_rejects_impossible_dates(self):
        case = self._health_case(self.agent).with_user(self.agent)
        with self.assertRaises(ValidationError):
            case.symptom_onset_date = date(2026, 11, 12)
        with self.assertRaises(ValidationError):
            case.write(
                {
                    "symptom_onset_date": date(2026, 11, 8),
                    "vet_visit_date": date(2026, 11, 7),
                }
            )
        with self.assertRaises(ValidationError):
            case.write({"authority_reported": True})
        with self.assertRaises(ValidationError):
            case.vet_claim_amount = -5

    def test_vet_claim_paid_by_credit_note_for_the_supervisor(self):
        case = self._health_case(self.agent)
        case.with_user(self.agent).vet_claim_amount = 180.0
        self.assertEqual(case.vet_claim_state, "claimed")
        with self.assertRaises(UserError):
            case.with_user(self.agent).action_vet_claim_approve()
        case.with_user(self.supervisor).action_vet_claim_approve()
        self.assertEqual(case.vet_claim_state, "approved")
        case.with_user(self.supervisor).action_vet_claim_pay()
        move = case.vet_claim_move_id
        self.assertEqual(case.vet_claim_state, "paid")
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.partner_id, self.customer)
        self.assertAlmostEqual(move.amount_total, 180.0)
        # a second click pays nothing more
        case.with_user(self.supervisor).action_vet_claim_pay()
        self.assertEqual(
            self.env["account.move"].search_count([("invoice_origin", "=", case.name)]),
            1,
        )
        # the accountant opens it from the case
        action = case.with_user(self.accountant).action_view_vet_claim_move()
        self.assertEqual(action["res_id"], move.id)

    def test_vet_claim_by_vendor_bill_needs_the_clinic(self):
        case = self._health_case(self.agent)
        case.with_user(self.agent).write(
            {"vet_claim_amount": 95.5, "vet_claim_payment": "vendor_bill"}
        )
        case.with_user(self.supervisor).action_vet_claim_approve()
        with self.assertRaises(UserError):
            case.with_user(self.supervisor).action_vet_claim_pay()
        case.with_user(self.agent).vet_clinic_id = self.clinic
        case.with_user(self.supervisor).action_vet_claim_pay()
        self.assertEqual(case.vet_claim_move_id.move_type, "in_invoice")
        self.assertEqual(case.vet_claim_move_id.partner_id, self.clinic)

    def test_rejected_claim_cannot_be_paid(self):
        case = self._health_case(self.agent)
        case.with_user(self.agent).vet_claim_amount = 50.0
        case.with_user(self.supervisor).action_vet_claim_reject()
        self.assertEqual(case.vet_claim_state, "rejected")
        with self.assertRaises(UserError):
            case.with_user(self.supervisor).action_vet_claim_pay()
        self.assertFalse(case.vet_claim_move_id)


@tagged("post_install", "-at_install")
class TestDeceasedPet(AftersalesCaseCommon):
    """A customer tells us their pet died: no more surveys or reminders about
    it, and the agent gets a condolence mail to send in the owner's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.customer.lang = "zh_CN"
        cls.pet = cls.env["pet.profile"].create(
            {"name": "Mimi", "partner_id": cls.customer.id, "species": "cat"}
        )
        cls.company.aftersales_default_team_id = cls.team

    def test_agent_marks_deceased_gets_condolence_todo(self):
        case = self._create_case(pet_id=self.pet.id, user_id=self.agent2.id)
        self.pet.with_user(self.agent).deceased_date = date.today()
        activity = self.pet.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("pet_aftersales.mail_activity_type_condolence"),
        )
        # the agent who handled the pet's case writes to the owner
        self.assertEqual(activity.user_id, self.agent2)
        # writing the date again plans nothing more
        self.pet.with_user(self.agent).deceased_date = date.today()
        self.assertEqual(len(self.pet.activity_ids), 1)
        # the composer opens on the condolence mail, rendered in Chinese
        action = self.pet.with_user(self.agent2).action_aftersales_condolences()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.agent2)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(
            composer.template_id,
            self.env.ref("pet_aftersales.mail_template_pet_condolence"),
        )
        self.assertEqual(composer.subject, "谨向 Mimi 致以哀思")
        self.assertIn(self.customer, composer.partner_ids)
        self.assertTrue(case)

    def test_no_survey_and_no_reminder_about_a_deceased_pet(self):
        self.company.aftersales_survey_id = self.env.ref(
            "pet_aftersales.aftersales_survey"
        )
        case = self._create_case(pet_id=self.pet.id, user_id=self.agent.id)
        self.pet.with_user(self.agent).deceased_date = date.today()
        case.with_user(self.agent)._aftersales_request_feedback()
        self.assertNotEqual(case.feedback_state, "survey_sent")
        self.assertIn("Mimi", case.feedback_skip_reason or "")


@tagged("post_install", "-at_install")
class TestDeceasedPetPortal(PortalFixture, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()
        cls.team = cls.env["aftersales.team"].create(
            {"name": "Care Team", "user_id": cls.env.ref("base.user_admin").id}
        )
        cls.env.company.aftersales_default_team_id = cls.team
        cls.pet = cls.env["pet.profile"].create(
            {"name": "Biscuit", "partner_id": cls.portal_partner.id, "species": "dog"}
        )

    def test_portal_customer_tells_us_the_pet_died(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        url = f"/my/pets/{self.pet.id}/edit"
        page = self.url_open(url).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            url,
            data={
                "csrf_token": token,
                "name": self.pet.name,
                "species": self.pet.species,
                "sex": self.pet.sex,
                "deceased_date": str(date.today()),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertEqual(self.pet.deceased_date, date.today())
        # no case about the pet: the team leader gets the condolence to-do
        self.assertEqual(self.pet.activity_ids.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(
            self.pet.activity_ids.activity_type_id,
            self.env.ref("pet_aftersales.mail_activity_type_condolence"),
        )
        # the customer sees the pet in memory on My Pets
        self.assertIn("In memory", self.url_open("/my/pets").text)


@tagged("post_install", "-at_install")
class TestDeceasedPetReturn(RmaCommon):
    """A return of food for a pet that passed away is refunded without the
    goods coming back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pet = cls.env["pet.profile"].create(
            {"name": "Coco", "partner_id": cls.customer.id, "species": "dog"}
        )
        cls.case = cls.env["aftersales.case"].create(
            {
                "name": "Food no longer needed",
                "partner_id": cls.customer.id,
                "pet_id": cls.pet.id,
            }
        )

    def test_supervisor_refunds_without_return_after_approval(self):
        rma = self._make_rma(qty=2.0, lot=self.lot_a)
        rma.case_id = self.case
        rma.with_user(self.agent).action_submit()
        if rma.state == "submitted":
            rma.with_user(self.supervisor).action_approve()
        self.assertTrue(rma.picking_ids, "a receipt is waiting for the goods")
        # not before the pet passed away
        with self.assertRaises(UserError):
            rma.with_user(self.supervisor).action_refund_without_return()
        self.pet.with_user(self.agent).deceased_date = date.today()
        self.assertTrue(rma.pet_deceased)
        rma.with_user(self.supervisor).action_refund_without_return()
        self.assertEqual(rma.return_method, "dispose")
        self.assertEqual(set(rma.picking_ids.mapped("state")), {"cancel"})
        self.assertEqual(rma.state, "received")
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        refund = rma.refund_move_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.invoice_line_ids.quantity, 2.0)
