from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time

from .common import AftersalesCaseCommon, core_queries

# Friday 27 November 2026, 16:00 UTC: one business hour left in the week
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0)


class TestCaseSla(AftersalesCaseCommon):
    @freeze_time(FRIDAY_4PM)
    def test_deadlines_skip_the_weekend(self):
        """2 h response and 8 h resolution from Friday 16:00 land on Monday."""
        case = self._create_case()
        self.assertEqual(case.sla_policy_id, self.policy)
        # 1 h on Friday (16-17), 1 h on Monday (9-10)
        self.assertEqual(case.response_deadline, datetime(2026, 11, 30, 10, 0))
        # 1 h on Friday, 7 h on Monday (9-16)
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 30, 16, 0))
        self.assertEqual(case.sla_status, "on_track")

    @freeze_time(FRIDAY_4PM)
    def test_new_case_form_of_a_team_without_sla_policy(self):
        """The agent opens a new case for a team that promises no deadline."""
        self.policy.active = False
        form = Form(self.env["aftersales.case"].with_user(self.agent))
        form.name = "Fountain pump hums"
        form.partner_id = self.customer
        form.category_id = self.category
        self.assertFalse(form.sla_policy_id)
        self.assertFalse(form.response_deadline)
        case = form.save()
        self.assertEqual(case.team_id, self.team)
        self.assertFalse(case.sla_policy_id)
        self.assertFalse(case.sla_breach_date)

    @freeze_time(FRIDAY_4PM)
    def test_deadlines_around_the_clock_without_calendar(self):
        self.team.resource_calendar_id = False
        case = self._create_case()
        self.assertEqual(case.response_deadline, datetime(2026, 11, 27, 18, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 28, 0, 0))

    @freeze_time(FRIDAY_4PM)
    def test_batch_of_cases_started_at_different_times(self):
        """The batch walk gives every case its own deadline."""
        cases = self.env["aftersales.case"].create(
            [
                {
                    "name": f"Case {hour}",
                    "partner_id": self.customer.id,
                    "category_id": self.category.id,
                    "sla_start_date": datetime(2026, 11, 23 + day, hour, 0),
                }
                for day, hour in ((0, 8), (2, 12), (4, 16))
            ]
        )
        self.assertEqual(
            cases.mapped("resolution_deadline"),
            [
                datetime(2026, 11, 23, 17, 0),  # Monday 09-17
                datetime(2026, 11, 26, 12, 0),  # Wed 12-17 + Thu 09-12
                datetime(2026, 11, 30, 16, 0),  # Fri 16-17 + Mon 09-16
            ],
        )

    @freeze_time(FRIDAY_4PM)
    def test_policy_follows_priority_and_category(self):
        urgent = self.env["aftersales.sla.policy"].create(
            {
                "name": "Urgent",
                "team_id": self.team.id,
                "priority": "2",
                "response_hours": 0.5,
                "resolution_hours": 4.0,
            }
        )
        specific = self.env["aftersales.sla.policy"].create(
            {
                "name": "Fountains",
                "team_id": self.team.id,
                "priority": "0",
                "category_ids": [(4, self.category.id)],
                "response_hours": 1.0,
                "resolution_hours": 1.0,
            }
        )
        case = self._create_case(category_id=False, team_id=self.team.id)
        self.assertEqual(case.sla_policy_id, self.policy)
        case.priority = "3"
        self.assertEqual(case.sla_policy_id, urgent)
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 30, 12, 0))
        case.category_id = self.category
        self.assertEqual(case.sla_policy_id, specific)
        self.assertEqual(case.resolution_deadline, datetime(2026, 11, 27, 17, 0))

    def test_first_response_is_a_public_staff_message(self):
        case = self._create_case()
        case.with_user(self.agent).message_post(
            body="Internal: checking the lot",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.assertFalse(case.first_response_date, "a note is not a response")
        case.message_post(
            body="My fountain still leaks",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=self.customer.id,
        )
        self.assertFalse(case.first_response_date, "the customer is not staff")
        case.with_user(self.agent).message_post(
            body="Sorry! We send a new one.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(case.first_response_date)

    @freeze_time(FRIDAY_4PM)
    def test_at_risk_counts_business_hours(self):
        """The last 20 % of a window is counted in business hours: over a
        weekend the case is not at risk from Saturday morning."""
        case = self._create_case()
        # response window Fri 16:00 -> Mon 10:00 is 2 business hours: at risk
        # after 1.6 of them (Fri 16-17, Mon 9:00-9:36), not on Sat 06:24
        self.assertEqual(case.sla_warning_date, datetime(2026, 11, 30, 9, 36))
        with freeze_time(datetime(2026, 11, 27, 16, 30)):
            case.with_user(self.agent).message_post(
                body="We are on it",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        # resolution window Fri 16:00 -> Mon 16:00 is 8 business hours: at
        # risk after 6.4 (Fri 16-17, Mon 9:00-14:24), not on Mon 01:36
        self.assertEqual(case.sla_warning_date, datetime(2026, 11, 30, 14, 24))
        with freeze_time(datetime(2026, 11, 30, 10, 0)):
            self.env["aftersales.case"]._cron_sla_escalation()
            self.assertEqual(case.sla_status, "on_track")
        with freeze_time(datetime(2026, 11, 30, 14, 30)):
            self.env["aftersales.case"]._cron_sla_escalation()
            self.assertEqual(case.sla_status, "at_risk")

    def test_manual_deadline_in_the_past_is_refused(self):
        case = self._create_case()
        with self.assertRaises(UserError):
            case.resolution_deadline = datetime(2020, 1, 1)
        self.assertNotEqual(case.resolution_deadline, datetime(2020, 1, 1))

    def test_status_met_and_failed(self):
        with freeze_time(FRIDAY_4PM):
            fast = self._create_case(solution="advice")
            slow = self._create_case(solution="advice")
        with freeze_time(datetime(2026, 11, 27, 16, 30)):
            fast.with_user(self.agent).message_post(
                body="Here is how",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            fast.action_close()
        with freeze_time(datetime(2026, 12, 1, 9, 0)):
            slow.action_close()
        self.assertEqual(fast.sla_status, "met")
        self.assertEqual(slow.sla_status, "failed")


class TestCaseSlaEscalation(AftersalesCaseCommon):
    def _leader_notifications(self):
        return self.env["mail.message"].search(
            [
                ("model", "=", "aftersales.team"),
                ("res_id", "=", self.team.id),
                ("partner_ids", "in", self.supervisor.partner_id.ids),
            ]
        )

    def _risk_activities(self, cases):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "aftersales.case"),
                ("res_id", "in", cases.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("pet_aftersales.mail_activity_type_sla_risk").id,
                ),
            ]
        )

    def test_cron_escalates_once(self):
        Case = self.env["aftersales.case"]
        with freeze_time(datetime(2026, 11, 23, 9, 0)):  # Monday
            case = self._create_case(user_id=self.agent.id)
        # response window 09:00-11:00: at risk from 10:36
        with freeze_time(datetime(2026, 11, 23, 10, 40)):
            Case._cron_sla_escalation()
            Case._cron_sla_escalation()
            self.assertEqual(case.sla_status, "at_risk")
            activities = self._risk_activities(case)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.agent)
            self.assertFalse(self._leader_notifications())
        with freeze_time(datetime(2026, 11, 23, 11, 5)):
            Case._cron_sla_escalation()
            Case._cron_sla_escalation()
            self.assertEqual(case.sla_status, "breached")
            self.assertTrue(case.sla_breach_sent)
            notifications = self._leader_notifications()
            self.assertEqual(len(notifications), 1)
            self.assertIn(case.reference, str(notifications.body))
            self.assertEqual(len(self._risk_activities(case)), 1)

    def _breach_batch(self, day, count, user):
        Case = self.env["aftersales.case"]
        with freeze_time(datetime(2026, 11, day, 9, 0)):
            cases = Case.create(
                [
                    {
                        "name": f"Case {day}-{i}",
                        "partner_id": self.customer.id,
                        "category_id": self.category.id,
                        "user_id": user.id,
                    }
                    for i in range(count)
                ]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        return cases

    def test_cron_query_count_is_flat(self):
        """The cron costs the same number of queries for 5 or 50 cases."""
        Case = self.env["aftersales.case"]
        # warm every cache the cron relies on: both owners, both notifications
        warm = self._breach_batch(23, 2, self.agent) | self._breach_batch(
            23, 2, self.agent2
        )
        with freeze_time(datetime(2026, 11, 23, 11, 5)):
            Case._cron_sla_escalation()
        self.assertEqual(set(warm.mapped("sla_status")), {"breached"})
        queries = core_queries(self.env, floor=23, newest=26)
        for day, count in ((24, 5), (25, 50)):
            cases = self._breach_batch(day, count, self.agent2)
            with freeze_time(datetime(2026, 11, day, 11, 5)):
                with self.assertQueryCount(queries):
                    Case._cron_sla_escalation()
            self.assertEqual(set(cases.mapped("sla_status")), {"breached"})
            self.assertTrue(all(cases.mapped("sla_breach_sent")))
