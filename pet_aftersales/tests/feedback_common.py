from odoo import Command

from .common import AftersalesCommon


class FeedbackCommon(AftersalesCommon):
    """A company set up for surveys and feedback points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("pet_aftersales.aftersales_survey")
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Feedback Points Test",
                "program_type": "loyalty",
                "trigger": "auto",
                "applies_on": "both",
                "rule_ids": [
                    Command.create(
                        {"reward_point_mode": "money", "reward_point_amount": 1}
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 5,
                            "required_points": 200,
                        }
                    )
                ],
            }
        )
        cls.company.write(
            {
                "aftersales_survey_id": cls.survey.id,
                "aftersales_loyalty_program_id": cls.program.id,
                "aftersales_feedback_points": 10,
                "aftersales_feedback_points_monthly_cap": 50,
                "aftersales_survey_min_interval_days": 30,
                "aftersales_survey_reminder_days": 3,
                "aftersales_csat_reopen_threshold": 60,
                "aftersales_key_customer_amount": 0,
                "aftersales_callback_days": 1,
            }
        )
        cls.team = cls.env.ref("pet_aftersales.aftersales_team_customer_service")
        cls.questions = {
            question.aftersales_dimension: question
            for question in cls.survey.question_ids
            if question.aftersales_dimension
        }
        cls.comment_question = cls.env.ref(
            "pet_aftersales.aftersales_survey_question_comment"
        )

    def _make_case(self, partner=None, urgency="low", **vals):
        return self.env["aftersales.case"].create(
            {
                "name": "Torn bag of cat food",
                "partner_id": (partner or self.customer).id,
                "team_id": self.team.id,
                "user_id": self.agent.id,
                "urgency": urgency,
                "impact": "single",
                "solution": "advice",
                **vals,
            }
        )

    def _closed_case(self, partner=None, **vals):
        case = self._make_case(partner=partner, **vals)
        case.with_user(self.agent).action_close()
        return case

    def _answer(self, user_input, ratings, comment=None):
        """Answer like the survey controller does: save lines, then done."""
        for dimension, value in ratings.items():
            user_input._save_lines(self.questions[dimension], str(value))
        if comment:
            user_input._save_lines(self.comment_question, comment)
        user_input._mark_done()

    def _card(self, partner=None):
        return self.env["loyalty.card"].search(
            [
                ("program_id", "=", self.program.id),
                ("partner_id", "=", (partner or self.customer).id),
            ]
        )
