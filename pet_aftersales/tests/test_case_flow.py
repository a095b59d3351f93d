from datetime import date, datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time

from .common import AftersalesCaseCommon

FRIDAY_4PM = datetime(2026, 11, 27, 16, 0)


class TestCaseFlow(AftersalesCaseCommon):
    def _callback_activities(self, case):
        callback = self.env.ref("pet_aftersales.mail_activity_type_callback")
        return case.activity_ids.filtered(lambda a: a.activity_type_id == callback)

    def test_close_requires_a_solution(self):
        case = self._create_case()
        with self.assertRaises(UserError):
            case.action_close()
        self.assertFalse(case.is_closed)
        with self.assertRaises(ValidationError):
            case.stage_id = self.stage_solved
        # cancelling needs no solution
        case.stage_id = self.stage_cancelled
        self.assertTrue(case.is_closed)
        self.assertFalse(self._callback_activities(case))

    def test_call_back_to_do_in_the_agents_language(self):
        """The supervisor (English) closes a case of a zh_CN agent: the agent
        reads the call-back to-do in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.agent.lang = "zh_CN"
        case = self._create_case(user_id=self.agent.id, solution="exchange")
        case.with_user(self.supervisor).action_close()
        activity = self._callback_activities(case)
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(activity.summary, f"就 {case.display_name} 回访客户")

    @freeze_time(FRIDAY_4PM)
    def test_close_schedules_a_business_day_call_back(self):
        self.company.aftersales_callback_days = 1
        case = self._create_case(user_id=self.agent.id, solution="exchange")
        case.action_close()
        self.assertEqual(case.stage_id, self.stage_solved)
        self.assertEqual(case.resolved_date, FRIDAY_4PM)
        # Friday + 1 business day of the team's calendar = Monday
        self.assertEqual(case.callback_date, date(2026, 11, 30))
        activity = self._callback_activities(case)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(activity.date_deadline, date(2026, 11, 30))
        # a second click is harmless
        case.action_close()
        self.assertEqual(len(self._callback_activities(case)), 1)

    def test_solved_stage_mails_the_customer(self):
        case = self._create_case(solution="repair").with_context(
            tracking_disable=False, mail_notrack=False
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        case.action_close()
        self.env.flush_all()
        self.env.cr.precommit.run()
        mails = case.message_ids.filtered(
            lambda m: self.customer in m.partner_ids and "solved" in (m.subject or "")
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(case.reference, mails.subject)

    def test_reopen_is_second_handling(self):
        with freeze_time(datetime(2026, 11, 23, 9, 0)):
            case = self._create_case(user_id=self.agent.id, solution="exchange")
            case.with_user(self.agent).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            case.action_close()
        first_deadline = case.resolution_deadline
        with self.assertRaises(UserError):
            self._create_case().action_reopen()
        with freeze_time(datetime(2026, 11, 25, 9, 0)):
            case.action_reopen()
        self.assertFalse(case.is_closed)
        self.assertEqual(case.reopen_count, 1)
        self.assertFalse(case.resolved_date)
        # the customer got their first response in the first round
        self.assertEqual(case.first_response_date, datetime(2026, 11, 23, 9, 0))
        self.assertEqual(case.sla_start_date, datetime(2026, 11, 25, 9, 0))
        self.assertGreater(case.resolution_deadline, first_deadline)
        self.assertFalse(self._callback_activities(case))
        with self.assertRaises(UserError):
            case.action_reopen()

    def test_close_cases_of_several_teams_and_none(self):
        cases = self._create_case(solution="advice") | self._create_case(
            category_id=False, team_id=self.other_team.id, solution="advice"
        )
        no_team = self._create_case(category_id=False, solution="advice")
        no_team.team_id = False
        (cases | no_team).action_close()
        self.assertEqual(set((cases | no_team).mapped("is_closed")), {True})

    def test_confirm_solution(self):
        case = self._create_case()
        with self.assertRaises(UserError):
            case.action_confirm_solution()
        case.solution = "gift"
        case.action_confirm_solution()
        confirmed = case.solution_confirmed_date
        self.assertTrue(confirmed)
        case.action_confirm_solution()
        self.assertEqual(case.solution_confirmed_date, confirmed)

    def test_checklist_from_category(self):
        case = self._create_case()
        self.assertEqual(
            case.checklist_item_ids.mapped("name"),
            ["Ask for a photo", "Check the lot", "Offer an exchange"],
        )
        item = case.checklist_item_ids[0].with_user(self.agent)
        item.done = True
        self.assertEqual(item.done_user_id, self.agent)
        self.assertAlmostEqual(case.checklist_progress, 100 / 3, places=2)
        # the category's steps are records the manager orders and edits; the
        # case keeps its own copy, ticked off by the agent
        manager_view = self.category.with_user(self.manager)
        manager_view.checklist_step_ids[2].sequence = 5
        self.assertIn(
            "<li>Offer an exchange</li><li>Ask for a photo</li>", manager_view.checklist
        )
        self.assertEqual(len(case.checklist_item_ids), 3)

    def test_owner_change_is_tracked(self):
        case = self._create_case(user_id=self.agent.id).with_context(
            tracking_disable=False, mail_notrack=False
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        case.user_id = self.agent2
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = case.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "user_id"
        )
        self.assertEqual(tracked.new_value_char, self.agent2.name)

    def test_form_intake_from_backend(self):
        with Form(self.env["aftersales.case"].with_user(self.agent)) as form:
            form.name = "Bird cage door broken"
            form.partner_id = self.customer
            form.channel = "store"
            form.category_id = self.category
            self.assertEqual(form.team_id, self.team)
            self.assertEqual(form.urgency, "low")
        case = form.save()
        self.assertEqual(case.channel, "store")
        self.assertEqual(case.email_from, self.customer.email)
        self.assertRegex(case.reference, r"^AS/\d{4}/\d{5}$")


class TestCasePriority(AftersalesCaseCommon):
    def test_default_matrix_and_company_override(self):
        case = self._create_case(urgency="high", impact="several")
        self.assertEqual(case.priority, "3")
        rule = self.env["aftersales.priority.rule"].search(
            [
                ("company_id", "=", self.company.id),
                ("urgency", "=", "low"),
                ("impact", "=", "single"),
            ]
        )
        self.assertEqual(rule.priority, "0")
        rule.priority = "2"
        low = self._create_case(urgency="low", impact="single")
        self.assertEqual(low.priority, "2")
        low.priority = "1"  # set by hand
        self.assertEqual(low.priority, "1")
        low.impact = "widespread"
        self.assertEqual(low.priority, "2")

    def test_pet_health_is_always_urgent_and_complete(self):
        pet_health = self.env.ref("pet_aftersales.aftersales_category_pet_health")
        pet = self.env["pet.profile"].create(
            {"name": "Nemo", "partner_id": self.customer.id, "species": "fish"}
        )
        product = self.env["product.product"].create({"name": "Fish flakes"})
        # opened at once with what the caller knows: no pet nor product yet
        reported = self._create_case(category_id=pet_health.id, urgency="low")
        self.assertEqual(reported.priority, "3")
        reported.solution = "advice"
        with self.assertRaises(ValidationError):
            reported.action_close()
        case = self._create_case(
            category_id=pet_health.id,
            pet_id=pet.id,
            product_id=product.id,
            urgency="low",
        )
        self.assertEqual(case.priority, "3")
        with self.assertRaises(ValidationError):
            case.priority = "1"


class TestCaseAssignment(AftersalesCaseCommon):
    def _batch(self, count):
        return self.env["aftersales.case"].create(
            [
                {
                    "name": f"Case {i}",
                    "partner_id": self.customer.id,
                    "category_id": self.category.id,
                }
                for i in range(count)
            ]
        )

    def test_manual(self):
        self.assertFalse(self._batch(2).user_id)

    def test_round_robin(self):
        self.team.assignment_method = "round_robin"
        first, second = (self.agent | self.agent2).sorted("id")
        self.assertEqual(self._batch(3).mapped("user_id"), first | second)
        self.assertEqual(
            [c.user_id for c in self._batch(3)] + [self._batch(1).user_id],
            [second, first, second, first],
        )

    def test_balanced(self):
        self.team.assignment_method = "balanced"
        self.env["aftersales.case"].create(
            [
                {
                    "name": f"Old {i}",
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                    "user_id": self.agent.id,
                }
                for i in range(3)
            ]
        )
        cases = self._batch(4)
        # agent2 catches up (3 cases), then they alternate
        self.assertEqual(
            [c.user_id for c in cases],
            [self.agent2, self.agent2, self.agent2, min(self.agent, self.agent2)],
        )
