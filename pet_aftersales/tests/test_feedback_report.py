from odoo.exceptions import AccessError

from .feedback_common import FeedbackCommon


class TestFeedbackReport(FeedbackCommon):
    def test_survey_and_callback_in_one_analysis(self):
        self.company.aftersales_survey_min_interval_days = 0
        category = self.env["aftersales.category"].search([], limit=1)
        surveyed = self._closed_case(category_id=category.id)
        self._answer(surveyed.survey_user_input_id, {"speed": 5, "solution": 5})
        called = self._closed_case(urgency="high", category_id=category.id)
        called._aftersales_apply_feedback_scores(
            {"speed": "3", "solution": "3"}, channel="callback"
        )
        rma = self.env["aftersales.rma"].create(
            {
                "partner_id": self.customer.id,
                "state": "received",
                "case_id": called.id,
                "user_id": self.agent.id,
            }
        )
        rma.action_done()
        self._answer(rma.survey_user_input_id, {"logistics": 4})
        self.env.flush_all()

        Report = self.env["aftersales.feedback.report"].with_user(self.supervisor)
        rows = Report.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            sorted(rows.mapped("feedback_channel")), ["callback", "survey", "survey"]
        )
        self.assertEqual(set(rows.mapped("team_id")), {self.team})
        self.assertEqual(set(rows.mapped("category_id")), {category})
        groups = Report._read_group(
            [("partner_id", "=", self.customer.id)],
            ["user_id", "feedback_date:month"],
            ["csat_score:avg", "__count"],
        )
        [(user, _month, average, count)] = groups
        self.assertEqual(user, self.agent)
        self.assertEqual(count, 3)
        self.assertAlmostEqual(average, (100 + 50 + 75) / 3, places=2)

    def test_agents_cannot_read_the_analysis(self):
        with self.assertRaises(AccessError):
            self.env["aftersales.feedback.report"].with_user(self.agent).search([])
