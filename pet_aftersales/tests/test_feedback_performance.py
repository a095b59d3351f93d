from odoo.tests import freeze_time, users, warmup

from .common import core_queries
from .feedback_common import FeedbackCommon


# a fixed Wednesday morning: closing computes SLA and reminder dates in
# business hours, whose work (and queries) depends on the hour it runs at
@freeze_time("2026-03-04 10:00:00")
class TestFeedbackPerformance(FeedbackCommon):
    """Pinned query counts of the two hot paths of the feedback flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.aftersales_survey_min_interval_days = 0
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Customer {index}", "email": f"customer{index}@example.com"}
                for index in range(5)
            ]
        )

    @users("as_agent")
    @warmup
    def test_close_batch_sends_surveys(self):
        cases = (
            self.env["aftersales.case"]
            .sudo()
            .create(
                [
                    {
                        "name": f"Case {partner.name}",
                        "partner_id": partner.id,
                        "team_id": self.team.id,
                        "user_id": self.agent.id,
                        "urgency": "low",
                        "solution": "advice",
                    }
                    for partner in self.customers
                ]
            )
            .with_user(self.env.user)
        )
        closed = cases[0]._get_closed_stage()
        self.env.invalidate_all()
        # closing the cases is what sends the surveys (answer + mail per case)
        # the survey invitation is no first response, and its mail is queued
        with self.assertQueryCount(as_agent=core_queries(self.env, 138, newest=149)):
            cases.write({"stage_id": closed.id})
        self.assertEqual(set(cases.mapped("feedback_state")), {"survey_sent"})

    @warmup
    def test_answer_scores_and_rewards(self):
        case = self._closed_case()
        user_input = case.survey_user_input_id
        for dimension in ("speed", "solution", "attitude"):
            user_input._save_lines(self.questions[dimension], "4")
        self.env.invalidate_all()
        # one of them: the explicit lock of the customer for the monthly cap
        with self.assertQueryCount(46):
            user_input._mark_done()
        self.assertEqual(case.csat_score, 75)
        self.assertEqual(self._card().points, 10)
