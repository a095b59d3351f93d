from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tools import mute_logger

from .common import AftersalesCaseCommon
from .feedback_common import FeedbackCommon
from .test_case_intake import NEW_MAIL, REPLY_MAIL


class CaseMailCommon(AftersalesCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "pets.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.team.write({"alias_name": "care", "alias_domain_id": cls.alias_domain.id})
        cls.Case = cls.env["aftersales.case"]

    def _process(self, template, **values):
        values.setdefault("to", "care@pets.example.com")
        values.setdefault("extra_headers", "")
        values.setdefault("body", "My dog's water fountain leaks everywhere.")
        values.setdefault("subject", "Fountain leaks")
        return self.env["mail.thread"].message_process(None, template.format(**values))

    def _new_mail(self, **values):
        values.setdefault("email_from", "Zhang Wei <zhang.wei@example.com>")
        values.setdefault("msg_id", "<new-1@example.com>")
        return self._process(NEW_MAIL, **values)

    def _reply(self, email_from, msg_id, body="It still leaks."):
        return self._process(
            REPLY_MAIL,
            email_from=email_from,
            msg_id=msg_id,
            parent_id="<new-1@example.com>",
            body=body,
        )


class TestCaseMailRules(CaseMailCommon):
    def test_unknown_sender_creates_no_contact(self):
        partners = self.env["res.partner"].search_count([])
        case = self.Case.browse(self._new_mail())
        self.assertFalse(case.partner_id)
        self.assertIn("zhang.wei@example.com", case.email_from)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        # the sender is still acknowledged, at their address
        mail = self.env["mail.mail"].search(
            [("model", "=", case._name), ("res_id", "=", case.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("zhang.wei@example.com", mail.email_to)
        self.assertIn(case.reference, mail.subject)
        self.assertFalse(case.first_response_date)
        # the agent links a contact by hand
        case.with_user(self.agent).partner_id = self.customer
        self.assertEqual(case.partner_id, self.customer)

    def test_acknowledgement_is_no_first_response(self):
        case = self.Case.browse(
            self._new_mail(email_from=f'"Chen Mei" <{self.customer.email}>')
        )
        self.assertEqual(case.partner_id, self.customer)
        self.assertTrue(
            case.message_ids.filtered(lambda m: case.reference in (m.subject or ""))
        )
        self.assertFalse(case.first_response_date)
        case.with_user(self.agent).message_post(
            body="We send a new one",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(case.first_response_date)

    def test_stranger_reply_opens_a_new_case(self):
        case = self.Case.browse(
            self._new_mail(email_from=f'"Chen Mei" <{self.customer.email}>')
        )
        case.solution = "exchange"
        case.with_user(self.agent).action_close()
        count = self.Case.search_count([])
        new_id = self._reply("Spammer <spam@bad.example.com>", "<spam-1@example.com>")
        self.assertTrue(case.is_closed, "a stranger never reopens a case")
        self.assertEqual(case.reopen_count, 0)
        self.assertNotIn("It still leaks", "".join(case.message_ids.mapped("body")))
        self.assertEqual(self.Case.search_count([]), count + 1)
        new_case = self.Case.browse(new_id)
        self.assertNotEqual(new_case, case)
        self.assertEqual(new_case.team_id, case.team_id)
        self.assertFalse(new_case.partner_id)
        self.assertIn(case.reference, "".join(new_case.message_ids.mapped("body")))

    def test_follower_and_customer_replies_join(self):
        case = self.Case.browse(
            self._new_mail(email_from=f'"Chen Mei" <{self.customer.email}>')
        )
        vet = self.env["res.partner"].create(
            {"name": "Dr. Vet", "email": "vet@clinic.example.com"}
        )
        case.with_user(self.agent).message_subscribe(partner_ids=vet.ids)
        case.solution = "exchange"
        case.with_user(self.agent).action_close()
        self.assertEqual(self._reply(vet.email, "<vet-1@example.com>"), case.id)
        self.assertFalse(case.is_closed, "a follower's reply reopens the case")
        self.assertEqual(case.reopen_count, 1)


class TestCaseRules(AftersalesCaseCommon):
    def test_pet_health_opens_at_once_and_needs_product_to_solve(self):
        pet_health = self.env.ref("pet_aftersales.aftersales_category_pet_health")
        case = (
            self.env["aftersales.case"]
            .with_user(self.agent)
            .create(
                {
                    "name": "Dog vomits after the new kibble",
                    "partner_phone": "+86 21 5555 0199",
                    "category_id": pet_health.id,
                    "channel": "phone",
                }
            )
        )
        self.assertEqual(case.priority, "3")
        alert = self.env["aftersales.alert"].search(
            [("alert_type", "=", "pet_health"), ("case_ids", "in", case.ids)]
        )
        self.assertEqual(len(alert), 1)
        case.solution = "advice"
        with self.assertRaises(ValidationError):
            case.with_user(self.agent).action_close()
        product = self.env["product.product"].create(
            {"name": "Kibble", "tracking": "lot", "is_storable": True}
            if "is_storable" in self.env["product.product"]._fields
            else {"name": "Kibble", "tracking": "lot", "type": "product"}
        )
        pet = self.env["pet.profile"].create(
            {"name": "Rex", "partner_id": self.customer.id, "species": "dog"}
        )
        case.with_user(self.agent).write(
            {"product_id": product.id, "pet_id": pet.id, "partner_id": self.customer.id}
        )
        with self.assertRaises(ValidationError):
            case.with_user(self.agent).action_close()
        lot = self.env["stock.lot"].create({"name": "L-1", "product_id": product.id})
        case.with_user(self.agent).lot_id = lot
        case.with_user(self.agent).action_close()
        self.assertTrue(case.is_closed)

    @mute_logger("odoo.sql_db")
    def test_category_code_unique_per_company(self):
        other = self.env["res.company"].create({"name": "Second Pets Ltd"})
        own_health = self.env["aftersales.category"].create(
            {"name": "Pet Health (2nd)", "code": "pet_health", "company_id": other.id}
        )
        self.assertEqual(own_health.company_id, other)
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["aftersales.category"].create(
                {"name": "Again", "code": "pet_health", "company_id": other.id}
            )
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["aftersales.category"].create(
                {"name": "Shared", "code": "quality"}
            )
        team = self.env["aftersales.team"].create(
            {"name": "Second care", "company_id": other.id}
        )
        case = (
            self.env["aftersales.case"]
            .with_company(other)
            .create(
                {
                    "name": "Cat sick",
                    "partner_phone": "+1",
                    "company_id": other.id,
                    "team_id": team.id,
                    "category_id": own_health.id,
                }
            )
        )
        self.assertEqual(case.priority, "3")

    def test_reclassify_reassigns_and_keeps_hand_set_urgency(self):
        self.other_team.assignment_method = "round_robin"
        other_category = self.env["aftersales.category"].create(
            {
                "name": "Delivery damage",
                "code": "test_delivery",
                "team_id": self.other_team.id,
                "default_urgency": "low",
            }
        )
        case = self._create_case(user_id=self.agent.id)
        case.with_user(self.agent).urgency = "high"
        case.with_user(self.agent).category_id = other_category
        self.assertEqual(case.team_id, self.other_team)
        self.assertEqual(case.user_id, self.outsider_agent)
        self.assertEqual(case.urgency, "high")
        # a member of the new team keeps the case; its urgency stays
        self.other_team.member_ids = [Command.link(self.agent2.id)]
        kept = self._create_case(user_id=self.agent2.id)
        kept.with_user(self.supervisor).urgency = "medium"
        kept.with_user(self.supervisor).category_id = other_category
        self.assertEqual(kept.user_id, self.agent2)
        self.assertEqual(kept.urgency, "medium")
        # without a hand-set urgency, the category's default applies
        plain = self._create_case()
        plain.with_user(self.agent).category_id = other_category
        self.assertEqual(plain.urgency, "low")


class TestSecondHandling(FeedbackCommon):
    def test_not_satisfied_callback_starts_a_clean_round(self):
        case = self._make_case(urgency="high")
        case.with_user(self.agent).action_confirm_solution()
        case.with_user(self.agent).action_close()
        self.assertEqual(case.feedback_state, "callback")
        wizard = Form(
            self.env["aftersales.callback"]
            .with_user(self.agent)
            .with_context(default_case_id=case.id)
        )
        wizard.outcome = "not_satisfied"
        wizard.csat_speed = "2"
        wizard.csat_solution = "2"
        wizard.save().with_user(self.agent).action_confirm()
        self.assertFalse(case.is_closed)
        self.assertEqual(case.handling_round, 2)
        # the "Customer Confirmed" button is back
        self.assertFalse(case.solution_confirmed_date)
        self.assertEqual(len(case.round_ids), 1)
        first = case.round_ids
        self.assertEqual(first.number, 1)
        self.assertEqual(first.csat_score, 25)
        self.assertTrue(first.solution_confirmed_date)
        self.assertEqual(first.feedback_channel, "callback")
        self.assertIn("not satisfied", first.reopen_reason)
        todo = case._aftersales_second_handling_activities()
        self.assertEqual(todo.summary, "Customer not satisfied")
        # round 2: solved again, the to-do is done, a call-back is offered
        case.with_user(self.agent).action_confirm_solution()
        case.with_user(self.agent).action_close()
        self.assertFalse(todo.exists())
        self.assertEqual(case.feedback_state, "callback")
        self.assertTrue(case._aftersales_callback_activities())
        wizard = Form(
            self.env["aftersales.callback"]
            .with_user(self.agent)
            .with_context(default_case_id=case.id)
        )
        wizard.csat_speed = "5"
        wizard.save().with_user(self.agent).action_confirm()
        self.assertEqual(case.csat_score, 100, "no rating of round 1 lingers")
        self.assertFalse(case.csat_solution)
        self.assertTrue(case.is_closed)

    def test_survey_invitation_is_no_first_response(self):
        case = self._closed_case()
        self.assertEqual(case.feedback_state, "survey_sent")
        self.assertFalse(case.first_response_date)
