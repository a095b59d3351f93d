import re

from odoo.tests import HttpCase, tagged

from .feedback_common import FeedbackCommon

LINK_RE = re.compile(r'href="([^"]*/survey/start/[^"]+)"')


@tagged("post_install", "-at_install")
class TestFeedbackSurveyHttp(HttpCase, FeedbackCommon):
    """The customer answers through the survey's own public controller."""

    def _link_from_mail(self, case):
        message = case.message_ids.filtered(
            lambda msg: self.customer in msg.partner_ids
        )
        match = LINK_RE.search(message.body)
        self.assertTrue(match, "the mail holds the personal survey link")
        return match.group(1).replace("&amp;", "&")

    def _submit(self, survey, answer_token, csrf_token, answers):
        params = {str(question.id): value for question, value in answers.items()}
        params["csrf_token"] = csrf_token
        url = (
            f"{survey.get_base_url()}/survey/submit/"
            f"{survey.access_token}/{answer_token}"
        )
        response = self.opener.post(url=url, json={"params": params})
        self.assertEqual(response.status_code, 200)
        return response.json().get("result")

    def test_answer_through_survey_controller(self):
        self.company.aftersales_survey_min_interval_days = 0
        case = self._closed_case()
        other_case = self._closed_case()
        user_input = case.survey_user_input_id
        link = self._link_from_mail(case)
        self.assertIn(user_input.access_token, link)

        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.survey.title, page.text)
        self.assertIn(user_input.access_token, page.text)
        csrf_token = re.search(r'csrf_token.+?value="([a-f0-9]{40}o[0-9]*)"', page.text)
        csrf_token = csrf_token.group(1)
        begin_url = (
            f"{self.survey.get_base_url()}/survey/begin/"
            f"{self.survey.access_token}/{user_input.access_token}"
        )
        begin = self.opener.post(url=begin_url, json={})
        self.assertEqual(begin.status_code, 200)
        self.assertIn(self.questions["speed"].title, begin.text)
        result = self._submit(
            self.survey,
            user_input.access_token,
            csrf_token,
            {
                self.questions["speed"]: "5",
                self.questions["solution"]: "4",
                self.questions["attitude"]: "5",
                self.questions["quality"]: "4",
                self.questions["logistics"]: "3",
                self.comment_question: "The agent was very helpful",
            },
        )
        self.assertNotIn("error", result[1] if isinstance(result, list) else {})

        self.env.invalidate_all()
        self.assertEqual(user_input.state, "done")
        self.assertEqual(case.feedback_state, "done")
        self.assertEqual(
            (
                case.csat_speed,
                case.csat_solution,
                case.csat_attitude,
                case.csat_quality,
                case.csat_logistics,
            ),
            (5, 4, 5, 4, 3),
        )
        self.assertEqual(case.csat_score, 80)
        self.assertEqual(case.feedback_comment, "The agent was very helpful")
        self.assertEqual(self.customer.csat_average, 80)
        card = self._card()
        self.assertEqual(card.points, 10)
        self.assertIn(case.reference, card.history_ids.description)

        # a second submission of the same token is refused and grants nothing
        again = self._submit(
            self.survey,
            user_input.access_token,
            csrf_token,
            {self.questions["speed"]: "1"},
        )
        self.assertEqual(again[1], {"error": "unauthorized"})
        # a token that is no case's answer is refused too
        wrong = self._submit(
            self.survey, "not-a-real-token", csrf_token, {self.questions["speed"]: "1"}
        )
        self.assertEqual(wrong[1], {"error": "token_wrong"})
        self.env.invalidate_all()
        self.assertEqual(case.csat_speed, 5)
        self.assertEqual(card.points, 10)
        self.assertEqual(len(card.history_ids), 1)
        # the other case of the same customer was never touched
        self.assertEqual(other_case.feedback_state, "survey_sent")
        self.assertFalse(other_case.csat_speed)
        self.assertEqual(other_case.survey_user_input_id.state, "new")
