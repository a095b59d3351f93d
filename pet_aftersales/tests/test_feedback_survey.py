from datetime import timedelta

from odoo import fields
from odoo.tests import freeze_time

from .feedback_common import FeedbackCommon


class TestFeedbackSurvey(FeedbackCommon):
    def test_close_sends_survey_with_personal_link(self):
        case = self._closed_case()
        user_input = case.survey_user_input_id
        self.assertEqual(case.feedback_state, "survey_sent")
        self.assertEqual(user_input.survey_id, self.survey)
        self.assertEqual(user_input.aftersales_case_id, case)
        self.assertEqual(user_input.partner_id, self.customer)
        message = case.message_ids.filtered(
            lambda msg: self.customer in msg.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn(user_input.get_start_url(), message.body)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertIn(self.customer, mail.recipient_ids)

    def test_case_dragged_to_solved_gets_the_survey(self):
        """Dropping a case in the Solved column of the kanban is a close too."""
        case = self._make_case()
        case.with_user(self.agent).write(
            {"stage_id": self.env.ref("pet_aftersales.aftersales_stage_solved").id}
        )
        self.assertEqual(case.feedback_state, "survey_sent")
        self.assertEqual(case.survey_user_input_id.aftersales_case_id, case)

    def test_no_survey_about_a_deceased_pet(self):
        pet = self.env["pet.profile"].create(
            {
                "name": "Lucky",
                "partner_id": self.customer.id,
                "species": "dog",
                "deceased_date": fields.Date.today(),
            }
        )
        case = self._closed_case(pet_id=pet.id)
        self.assertEqual(case.feedback_state, "skipped")
        self.assertFalse(case.survey_user_input_id)
        self.assertIn("Lucky", case.feedback_skip_reason)

    def test_rma_done_sends_survey(self):
        rma = self.env["aftersales.rma"].create(
            {"partner_id": self.customer.id, "state": "received"}
        )
        rma.action_done()
        self.assertEqual(rma.feedback_state, "survey_sent")
        self.assertEqual(rma.survey_user_input_id.aftersales_rma_id, rma)
        self._answer(rma.survey_user_input_id, {"speed": 5, "logistics": 5})
        self.assertEqual(rma.csat_score, 100)
        self.assertEqual(rma.csat_logistics, 5)
        self.assertTrue(rma.feedback_points_granted)
        history = self._card().history_ids
        self.assertIn(rma.name, history.description)
        self.assertEqual(history.aftersales_rma_id, rma)

    def test_min_interval_per_customer(self):
        first = self._closed_case()
        second = self._closed_case()
        self.assertEqual(first.feedback_state, "survey_sent")
        self.assertEqual(second.feedback_state, "skipped")
        self.assertFalse(second.survey_user_input_id)
        self.assertIn("30", second.feedback_skip_reason)
        # another customer is not concerned
        other = self.customer.copy({"email": "other@example.com"})
        self.assertEqual(self._closed_case(partner=other).feedback_state, "survey_sent")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            later = self._closed_case()
            self.assertEqual(later.feedback_state, "survey_sent")

    def test_never_to_blacklisted_or_opted_out(self):
        self.env["mail.blacklist"].create({"email": self.customer.email})
        case = self._closed_case()
        self.assertEqual(case.feedback_state, "skipped")
        self.assertIn("blacklisted", case.feedback_skip_reason)
        opted_out = self.customer.copy(
            {"email": "optout@example.com", "aftersales_survey_opt_out": True}
        )
        case = self._closed_case(partner=opted_out)
        self.assertEqual(case.feedback_state, "skipped")
        self.assertFalse(
            self.env["survey.user_input"].search(
                [("partner_id", "in", (self.customer | opted_out).ids)]
            )
        )

    def test_reminder_cron_once(self):
        sent = fields.Datetime.now() - timedelta(days=4)
        with freeze_time(sent):
            case = self._closed_case()
            fresh_partner = self.customer.copy({"email": "fresh@example.com"})
        fresh = self._closed_case(partner=fresh_partner)
        messages_before = len(case.message_ids)
        self.env["aftersales.case"]._cron_aftersales_survey_reminder()
        self.assertTrue(case.survey_reminder_date)
        self.assertFalse(fresh.survey_reminder_date, "sent today: not due yet")
        reminder = case.message_ids[0]
        self.assertEqual(len(case.message_ids), messages_before + 1)
        self.assertIn("Reminder", reminder.subject)
        self.assertIn(case.survey_user_input_id.access_token, reminder.body)
        self.env["aftersales.case"]._cron_aftersales_survey_reminder()
        self.assertEqual(
            len(case.message_ids), messages_before + 1, "only one reminder"
        )

    def test_reminder_skips_a_pet_that_died(self):
        """The survey went out while the pet was alive; it died since: no
        reminder about it."""
        pet = self.env["pet.profile"].create(
            {"name": "Mimi", "partner_id": self.customer.id, "species": "cat"}
        )
        with freeze_time(fields.Datetime.now() - timedelta(days=4)):
            case = self._closed_case(pet_id=pet.id)
        self.assertEqual(case.feedback_state, "survey_sent")
        pet.with_user(self.agent).deceased_date = fields.Date.today()
        self.env["aftersales.case"]._cron_aftersales_survey_reminder()
        self.assertFalse(case.survey_reminder_date)

    def test_reminder_skips_answered(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=4)):
            case = self._closed_case()
        self._answer(case.survey_user_input_id, {"speed": 4})
        self.env["aftersales.case"]._cron_aftersales_survey_reminder()
        self.assertFalse(case.survey_reminder_date)

    def test_scores_points_and_average(self):
        case = self._closed_case()
        self._answer(
            case.survey_user_input_id,
            {"speed": 5, "solution": 4, "attitude": 3},
            comment="Quick and kind",
        )
        self.assertEqual(case.feedback_state, "done")
        self.assertEqual(
            (case.csat_speed, case.csat_solution, case.csat_attitude), (5, 4, 3)
        )
        self.assertEqual(case.csat_score, 75)
        self.assertEqual(case.feedback_comment, "Quick and kind")
        self.assertEqual(self.customer.csat_average, 75)
        self.assertTrue(case.is_closed, "a good score keeps the case closed")
        card = self._card()
        self.assertEqual(card.points, 10)
        self.assertEqual(card.history_ids.issued, 10)
        self.assertEqual(card.history_ids.aftersales_case_id, case)
        self.assertIn(case.reference, card.history_ids.description)
        self.assertEqual(self.customer.aftersales_feedback_points, 10)
        # re-submission, retries, a later call-back: never twice
        case.survey_user_input_id._mark_done()
        case._aftersales_grant_feedback_points()
        self.assertEqual(card.points, 10)
        self.assertEqual(len(card.history_ids), 1)

    def test_low_score_reopens_and_alerts_owner(self):
        case = self._closed_case()
        self._answer(case.survey_user_input_id, {"speed": 2, "solution": 1})
        self.assertEqual(case.csat_score, 12.5)
        self.assertFalse(case.is_closed)
        self.assertEqual(case.reopen_count, 1)
        activity = case.activity_ids.filtered(
            lambda act: act.summary == "Customer not satisfied"
        )
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(self._card().points, 10, "honest feedback is rewarded too")

    def test_monthly_cap_across_cases(self):
        self.company.write(
            {
                "aftersales_feedback_points_monthly_cap": 15,
                "aftersales_survey_min_interval_days": 0,
            }
        )
        first, second, third = (self._closed_case() for _i in range(3))
        for case in (first, second, third):
            self._answer(case.survey_user_input_id, {"speed": 5})
        card = self._card()
        self.assertEqual(card.points, 15)
        self.assertEqual(sorted(card.history_ids.mapped("issued")), [5, 10])
        self.assertTrue(third.feedback_points_granted)
        self.assertIn("monthly cap", third.message_ids[0].body)
        # a new month opens a new allowance
        with freeze_time(fields.Datetime.now() + timedelta(days=32)):
            fourth = self._closed_case()
            self._answer(fourth.survey_user_input_id, {"speed": 5})
            self.assertEqual(card.points, 25)

    def test_empty_and_test_answers_earn_nothing(self):
        self.company.aftersales_survey_min_interval_days = 0
        case = self._closed_case()
        case.survey_user_input_id._mark_done()
        self.assertFalse(case.feedback_points_granted)
        self.assertEqual(case.feedback_state, "survey_sent")
        test_input = self.survey._create_answer(
            user=self.env.user, test_entry=True, aftersales_case_id=case.id
        )
        self._answer(test_input, {"speed": 5})
        self.assertFalse(self._card())

    def test_other_case_answer_never_touches_case(self):
        self.company.aftersales_survey_min_interval_days = 0
        case_a = self._closed_case()
        case_b = self._closed_case()
        # an answer pretending to belong to case B, but not B's own answer
        forged = self.survey._create_answer(
            partner=self.customer, check_attempts=False, aftersales_case_id=case_b.id
        )
        self._answer(forged, {"speed": 1, "solution": 1})
        self.assertEqual(case_b.feedback_state, "survey_sent")
        self.assertTrue(case_b.is_closed)
        self.assertFalse(case_b.feedback_points_granted)
        # A's answer only lands on A
        self._answer(case_a.survey_user_input_id, {"speed": 5})
        self.assertEqual(case_a.csat_speed, 5)
        self.assertFalse(case_b.csat_speed)
        self.assertEqual(self._card().points, 10)
