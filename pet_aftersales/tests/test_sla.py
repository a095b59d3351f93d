from datetime import date, datetime

from odoo.tests import Form, freeze_time
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCaseCommon

MONDAY_9AM = datetime(2026, 11, 23, 9, 0)
MONDAY_9PM = datetime(2026, 11, 23, 21, 0)


class TestSlaPolicyForm(AftersalesCaseCommon):
    def test_manager_picks_an_existing_team(self):
        """Configuration > SLA Policies: the Team field offers the existing
        teams (it offered only "Create..." while its company, which follows
        the team, was still empty)."""
        Policy = self.env["aftersales.sla.policy"].with_user(self.manager)
        domain = Policy.fields_get(["team_id"])["team_id"].get("domain") or []
        if isinstance(domain, str):
            # the client evaluates it on the new, still empty, record
            domain = safe_eval(domain, {"company_id": False, "id": False})
        offered = [
            team_id
            for team_id, _name in Policy.env["aftersales.team"].name_search(
                "Care", domain
            )
        ]
        self.assertIn(self.team.id, offered)
        with Form(Policy) as form:
            form.name = "Care: answer in 30 minutes"
            form.team_id = self.team
            form.clock = "calendar"
            form.response_hours = 0.5
            form.resolution_hours = 24
        policy = form.record
        self.assertEqual(policy.team_id, self.team)
        self.assertEqual(policy.company_id, self.team.company_id)
        self.assertEqual(policy.clock, "calendar")
        self.assertIn(policy, self.team.sla_policy_ids)


class TestSlaClock(AftersalesCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pet_health = cls.env.ref("pet_aftersales.aftersales_category_pet_health")
        cls.food_safety = cls.env.ref("pet_aftersales.aftersales_category_food_safety")
        (cls.pet_health | cls.food_safety).team_id = cls.team
        # the shipped urgent policies, on the team working 09:00-17:00
        cls.pet_health_policy = cls.env.ref(
            "pet_aftersales.aftersales_sla_policy_pet_health"
        )
        cls.food_safety_policy = cls.env.ref(
            "pet_aftersales.aftersales_sla_policy_food_safety"
        )
        (cls.pet_health_policy | cls.food_safety_policy).team_id = cls.team

    def _agent_case(self, category, **values):
        return (
            self.env["aftersales.case"]
            .with_user(self.agent)
            .create(
                {
                    "name": "My dog vomits after the new food",
                    "partner_id": self.customer.id,
                    "category_id": category.id,
                    "user_id": self.agent.id,
                    **values,
                }
            )
        )

    def test_shipped_urgent_policies_count_round_the_clock(self):
        self.assertEqual(self.pet_health_policy.clock, "calendar")
        self.assertEqual(self.food_safety_policy.clock, "calendar")
        self.assertEqual(self.policy.clock, "business", "the default clock")

    @freeze_time(MONDAY_9PM)
    def test_pet_health_at_night_is_answered_in_15_minutes(self):
        """A 15-minute pet-health response opened at 21:00 is due at 21:15
        the same evening, not at 09:15 the next business morning, and its
        24-hour resolution 24 hours later."""
        case = self._agent_case(self.pet_health)
        self.assertEqual(case.priority, "3")
        self.assertEqual(case.sla_policy_id, self.pet_health_policy)
        self.assertEqual(case.sla_clock, "calendar")
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 21, 15))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 21, 0))
        # the last 20 % of the 15 minutes: from 21:12
        self.assertEqual(case.sla_warning_date, datetime(2026, 11, 23, 21, 12))
        with freeze_time(datetime(2026, 11, 23, 21, 20)):
            self.env["aftersales.case"]._cron_sla_escalation()
        self.assertEqual(case.sla_status, "breached")
        # the agent sees on the form which clock applies
        form = Form(case.with_user(self.agent))
        self.assertEqual(form.sla_clock, "calendar")
        self.assertEqual(form.sla_policy_id, self.pet_health_policy)

    @freeze_time(MONDAY_9PM)
    def test_food_safety_at_night_is_answered_in_5_minutes(self):
        case = self._agent_case(self.food_safety)
        self.assertEqual(case.sla_policy_id, self.food_safety_policy)
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 21, 5))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 21, 0))

    @freeze_time(MONDAY_9PM)
    def test_business_clock_waits_for_the_office(self):
        """The same evening, a business-hours policy starts counting at 09:00."""
        case = self._agent_case(self.category)
        self.assertEqual(case.sla_policy_id, self.policy)
        self.assertEqual(case.sla_clock, "business")
        self.assertEqual(case.response_deadline, datetime(2026, 11, 24, 11, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 17, 0))

    @freeze_time(MONDAY_9PM)
    def test_changing_the_clock_moves_the_deadlines(self):
        case = self._agent_case(self.category)
        self.policy.clock = "calendar"
        case.with_user(self.agent).priority = "1"  # any recomputation
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 23, 0))


class TestSlaPause(AftersalesCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_waiting = cls.env.ref("pet_aftersales.aftersales_stage_waiting")
        cls.stage_progress = cls.env.ref("pet_aftersales.aftersales_stage_in_progress")

    def _move(self, case, stage, when):
        with freeze_time(when):
            case.with_user(self.agent).write({"stage_id": stage.id})
            # the end of the request: stored statuses are computed at its time
            self.env.flush_all()

    def test_waiting_on_customer_pauses_the_sla(self):
        self.assertTrue(self.stage_waiting.sla_paused, "shipped as a pause")
        self.assertFalse(self.stage_progress.sla_paused)
        with freeze_time(MONDAY_9AM):
            case = self._create_case(user_id=self.agent.id)
        # 2 h response 09:00-11:00, 8 h resolution 09:00-17:00
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 11, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 23, 17, 0))
        self._move(case, self.stage_waiting, datetime(2026, 11, 23, 10, 0))
        self.assertEqual(case.sla_status, "paused")
        self.assertEqual(case.sla_paused_since, datetime(2026, 11, 23, 10, 0))
        self.assertFalse(case.sla_breach_date, "a paused clock does not run out")
        with freeze_time(datetime(2026, 11, 23, 12, 0)):
            self.env["aftersales.case"]._cron_sla_escalation()
        self.assertEqual(case.sla_status, "paused")
        self.assertFalse(case.sla_warning_sent or case.sla_breach_sent)
        self.assertFalse(case.activity_ids, "nothing to escalate while waiting")
        # the customer answers: 3 business hours (10:00-13:00) did not count
        self._move(case, self.stage_progress, datetime(2026, 11, 23, 13, 0))
        self.assertFalse(case.sla_paused_since)
        self.assertEqual(case.sla_paused_hours, 3.0)
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 14, 0))
        # 8 + 3 business hours: Monday 09-17 and Tuesday 09-12
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 12, 0))
        self.assertEqual(case.sla_status, "on_track")
        # at risk in the last 20 % of the 2 hours it had, not of 09:00-14:00
        self.assertEqual(case.sla_warning_date, datetime(2026, 11, 23, 13, 36))
        form = Form(case.with_user(self.agent))
        self.assertEqual(form.sla_paused_hours, 3.0)

    def test_pause_counts_in_the_policy_clock(self):
        """Business clock: a pause from Monday 16:00 to Tuesday 10:00 is two
        business hours; an answered case keeps its response deadline."""
        with freeze_time(MONDAY_9AM):
            case = self._create_case(user_id=self.agent.id)
        with freeze_time(datetime(2026, 11, 23, 9, 30)):
            case.with_user(self.agent).message_post(
                body="Could you send a photo of the lot number?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self._move(case, self.stage_waiting, datetime(2026, 11, 23, 16, 0))
        self._move(case, self.stage_progress, datetime(2026, 11, 24, 10, 0))
        self.assertEqual(case.sla_paused_hours, 2.0)
        self.assertEqual(case.response_deadline, datetime(2026, 11, 23, 11, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 11, 0))
        # a second pause adds up
        self._move(case, self.stage_waiting, datetime(2026, 11, 24, 10, 30))
        self._move(case, self.stage_progress, datetime(2026, 11, 24, 11, 0))
        self.assertEqual(case.sla_paused_hours, 2.5)
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 11, 30))

    def test_round_the_clock_pause(self):
        self.policy.clock = "calendar"
        with freeze_time(MONDAY_9PM):
            case = self._create_case(user_id=self.agent.id)
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 5, 0))
        self._move(case, self.stage_waiting, datetime(2026, 11, 23, 21, 30))
        self._move(case, self.stage_progress, datetime(2026, 11, 23, 23, 45))
        self.assertEqual(case.sla_paused_hours, 2.25)
        self.assertEqual(case.response_deadline, datetime(2026, 11, 24, 1, 15))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 24, 7, 15))

    def test_closing_from_a_pause_and_reopening(self):
        with freeze_time(MONDAY_9AM):
            case = self._create_case(user_id=self.agent.id, solution="advice")
        self._move(case, self.stage_waiting, datetime(2026, 11, 23, 10, 0))
        with freeze_time(datetime(2026, 11, 24, 16, 0)):
            case.with_user(self.agent).action_close()
        # waiting all Tuesday did not make the case late
        self.assertEqual(case.sla_paused_hours, 14.0)
        self.assertEqual(case.sla_status, "met")
        with freeze_time(datetime(2026, 11, 25, 9, 0)):
            case.with_user(self.agent).action_reopen()
        self.assertEqual(case.sla_paused_hours, 0.0, "a new round starts clean")
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 25, 17, 0))

    def test_created_in_a_paused_stage(self):
        with freeze_time(MONDAY_9AM):
            case = self._create_case(stage_id=self.stage_waiting.id)
        self.assertEqual(case.sla_paused_since, MONDAY_9AM)
        self.assertEqual(case.sla_status, "paused")


class TestSlaBusinessTime(AftersalesCaseCommon):
    """The one place that counts business time (aftersales.sla.mixin)."""

    def test_plan_and_measure_hours(self):
        Sla = self.env["aftersales.sla.mixin"]
        friday_4pm = datetime(2026, 11, 27, 16, 0)
        monday_10am = datetime(2026, 11, 30, 10, 0)
        self.assertEqual(
            Sla._sla_plan_hours_batch(
                [
                    (self.calendar, friday_4pm, 2.0),
                    (self.env["resource.calendar"], friday_4pm, 2.0),
                    (self.calendar, friday_4pm, 0.0),
                ]
            ),
            [monday_10am, datetime(2026, 11, 27, 18, 0), False],
        )
        self.assertEqual(
            Sla._sla_work_hours_batch(
                [
                    (self.calendar, friday_4pm, monday_10am),
                    (self.env["resource.calendar"], friday_4pm, monday_10am),
                    (self.calendar, monday_10am, friday_4pm),
                ]
            ),
            [2.0, 66.0, 0.0],
        )

    def test_business_days(self):
        Sla = self.env["aftersales.sla.mixin"]
        friday_4pm = datetime(2026, 11, 27, 16, 0)
        self.assertEqual(
            Sla._sla_add_business_days(self.calendar, friday_4pm, 1),
            datetime(2026, 11, 30, 16, 0),
        )
        self.assertEqual(
            Sla._sla_add_business_days(self.env["resource.calendar"], friday_4pm, 1),
            datetime(2026, 11, 28, 16, 0),
        )
        friday = date(2026, 11, 27)
        self.assertEqual(
            Sla._sla_business_date(self.calendar, friday, 1), date(2026, 11, 30)
        )
        self.assertEqual(Sla._sla_business_date(self.calendar, friday, 0), friday)
        self.assertEqual(
            Sla._sla_business_date(self.env["resource.calendar"], friday, 2),
            date(2026, 11, 29),
        )
