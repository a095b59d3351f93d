from odoo.exceptions import UserError
from odoo.tests import Form

from .feedback_common import FeedbackCommon


class TestFeedbackCallback(FeedbackCommon):
    def _callback_activity(self, record):
        return record._aftersales_callback_activities()

    def _record_callback(self, record, outcome="satisfied", **ratings):
        action = record.with_user(self.agent).action_aftersales_callback()
        wizard_form = Form(
            self.env["aftersales.callback"]
            .with_user(self.agent)
            .with_context(**action["context"])
        )
        wizard_form.outcome = outcome
        for field, value in ratings.items():
            setattr(wizard_form, field, value)
        wizard_form.note = "Called on Tuesday"
        return wizard_form.save()

    def test_key_customer_gets_callback_not_survey(self):
        self.customer.aftersales_key_customer_manual = True
        self.assertTrue(self.customer.is_key_customer)
        case = self._closed_case()
        self.assertEqual(case.feedback_state, "callback")
        self.assertFalse(case.survey_user_input_id)
        self.assertTrue(case.callback_date)
        activity = self._callback_activity(case)
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(activity.date_deadline, case.callback_date)

        wizard = self._record_callback(
            case, csat_speed="5", csat_solution="5", csat_attitude="4"
        )
        wizard.with_user(self.agent).action_confirm()
        self.assertEqual(case.feedback_state, "done")
        self.assertEqual(case.feedback_channel, "callback")
        self.assertTrue(case.callback_done)
        self.assertAlmostEqual(case.csat_score, 91.67)
        self.assertEqual(case.feedback_comment, "Called on Tuesday")
        self.assertFalse(self._callback_activity(case), "the call activity is done")
        self.assertTrue(case.is_closed)
        self.assertEqual(self._card().points, 10)
        self.assertEqual(self.customer.csat_average, 91.67)
        # the same feedback cannot be recorded twice
        again = self._record_callback(case, csat_speed="5")
        with self.assertRaises(UserError):
            again.with_user(self.agent).action_confirm()
        self.assertEqual(self._card().points, 10)

    def test_high_priority_case_gets_callback(self):
        case = self._closed_case(urgency="high")
        self.assertEqual(case.priority, "2")
        self.assertEqual(case.feedback_state, "callback")
        self.assertTrue(self._callback_activity(case))

    def test_not_satisfied_callback_reopens(self):
        case = self._closed_case(urgency="high")
        wizard = self._record_callback(
            case, outcome="not_satisfied", csat_speed="4", csat_solution="4"
        )
        wizard.with_user(self.agent).action_confirm()
        self.assertFalse(case.is_closed, "second handling")
        self.assertEqual(case.reopen_count, 1)
        self.assertEqual(case.csat_score, 75)
        self.assertTrue(
            case.activity_ids.filtered(lambda a: a.summary == "Customer not satisfied")
        )

    def test_callback_needs_a_rating(self):
        case = self._closed_case(urgency="high")
        wizard = self._record_callback(case)
        with self.assertRaises(UserError):
            wizard.with_user(self.agent).action_confirm()
        self.assertEqual(case.feedback_state, "callback")

    def test_survey_then_callback_rewards_once(self):
        case = self._closed_case()
        self._answer(case.survey_user_input_id, {"speed": 5})
        self.assertEqual(self._card().points, 10)
        case._aftersales_grant_feedback_points()
        self.assertEqual(self._card().points, 10)

    def test_key_customer_from_sales_cron(self):
        self.company.aftersales_key_customer_amount = 1000
        product = self.env["product.product"].create(
            {"name": "Premium Kibble 20kg", "list_price": 600, "taxes_id": False}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        self.assertFalse(self.customer.is_key_customer, "updated by the daily job")
        self.env["res.partner"]._cron_aftersales_key_customers()
        self.assertEqual(self.customer.aftersales_sales_12m, 1200)
        self.assertTrue(self.customer.is_key_customer)
        # the threshold is raised: recomputed by the next run
        self.company.aftersales_key_customer_amount = 5000
        self.env["res.partner"]._cron_aftersales_key_customers()
        self.assertFalse(self.customer.is_key_customer)
        self.customer.aftersales_key_customer_manual = True
        self.assertTrue(self.customer.is_key_customer)
