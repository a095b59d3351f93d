import json

from odoo import http
from odoo.tests import HttpCase, freeze_time, tagged

from .portal_common import PNG, PORTAL_LOGIN, PortalFixture
from .rma_common import RmaCommon


class TestRmaPolicy(RmaCommon):
    def test_window_counts_from_delivery_day_7_ok_day_8_refused(self):
        """Delivered on 2 March: the 7-day window includes 9 March, not 10."""
        with freeze_time("2026-03-09 18:00:00"):
            rma = self._make_rma()
            self.assertTrue(rma.policy_ok, rma.policy_message)
            self.assertIn("within the 7-day return period", rma.policy_message)
        with freeze_time("2026-03-10 09:00:00"):
            rma = self._make_rma()
            self.assertFalse(rma.policy_ok)
            self.assertIn("return period ended on", rma.policy_message)

    def test_window_not_from_order_date(self):
        """The order date does not count, the delivery date does."""
        self.order.date_order = "2026-01-01 10:00:00"
        with freeze_time("2026-03-08 10:00:00"):
            self.assertTrue(self._make_rma().policy_ok)

    def test_category_overrides_company_and_product_overrides_category(self):
        self.category.aftersales_return_days = 15
        with freeze_time("2026-03-16 10:00:00"):  # day 14
            rma = self._make_rma()
            self.assertTrue(rma.policy_ok, rma.policy_message)
            self.assertIn("15-day", rma.policy_message)
            self.product.product_tmpl_id.aftersales_return_days = 3
            rma = self._make_rma()
            self.assertFalse(rma.policy_ok)
            self.assertIn("3-day", rma.policy_message)
        # 0 on the product = inherit again
        self.product.product_tmpl_id.aftersales_return_days = 0
        self.category.aftersales_return_days = 0
        self.company.aftersales_return_days = 30
        with freeze_time("2026-03-20 10:00:00"):
            rma = self._make_rma()
            self.assertTrue(rma.policy_ok, rma.policy_message)
            self.assertIn("30-day", rma.policy_message)

    def test_parent_category_period_applies(self):
        parent = self.env["product.category"].create(
            {"name": "Food", "aftersales_return_days": 10}
        )
        self.category.parent_id = parent
        with freeze_time("2026-03-11 10:00:00"):  # day 9
            self.assertTrue(self._make_rma().policy_ok)

    @freeze_time("2026-03-04 10:00:00")
    def test_non_returnable_refused_unless_company_fault(self):
        self.category.aftersales_returnable = False
        self.assertFalse(self.product.aftersales_returnable)
        rma = self._make_rma()
        self.assertFalse(rma.policy_ok)
        self.assertIn("cannot be returned", rma.policy_message)
        rma = self._make_rma(reason=self.reason_quality, packaging=False)
        self.env["ir.attachment"].create(
            {
                "name": "photo.jpg",
                "raw": b"jpeg",
                "res_model": rma._name,
                "res_id": rma.id,
            }
        )
        rma.action_submit()
        self.assertTrue(rma.policy_ok, rma.policy_message)
        self.assertIn("normally not returnable", rma.policy_message)

    @freeze_time("2026-03-04 10:00:00")
    def test_product_returnable_overrides_category(self):
        self.category.aftersales_returnable = False
        self.product.product_tmpl_id.aftersales_returnable = True
        self.assertTrue(self._make_rma().policy_ok)

    @freeze_time("2026-03-04 10:00:00")
    def test_original_packaging_needed_without_fault(self):
        rma = self._make_rma(packaging=False)
        self.assertFalse(rma.policy_ok)
        self.assertIn("original, intact packaging", rma.policy_message)
        rma.line_ids.original_packaging = True
        self.assertTrue(rma.policy_ok)

    @freeze_time("2026-03-04 10:00:00")
    def test_evidence_needed_for_quality_reason(self):
        rma = self._make_rma(reason=self.reason_quality, packaging=False)
        rma.action_submit()
        self.assertFalse(rma.policy_ok)
        self.assertIn("none is attached", rma.policy_message)

    @freeze_time("2026-03-04 10:00:00")
    def test_evidence_attached_after_submission_clears_the_verdict(self):
        """The agent adds the customer's photos to a submitted return from
        the chatter: the verdict and the ribbon follow what is attached now."""
        rma = self._make_rma(reason=self.reason_quality, packaging=False)
        rma.action_submit()
        self.assertFalse(rma.policy_ok)
        rma_agent = rma.with_user(self.agent)
        with freeze_time("2026-03-12 10:00:00"):  # after the return period
            rma_agent.message_post(
                body="Photos the customer sent by chat.",
                attachments=[("torn-bag.png", PNG)],
            )
            self.assertTrue(rma_agent.policy_ok, rma_agent.policy_message)
            self.assertNotIn("none is attached", rma_agent.policy_message)
            # still judged on the day it was submitted
            self.assertIn("within the 7-day return period", rma_agent.policy_message)
        self.assertEqual(
            rma_agent.search_count([("id", "=", rma.id), ("policy_ok", "=", False)]),
            0,
            "the Outside Policy filter no longer lists it",
        )
        # the photo is removed again: evidence is what is attached now
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", rma._name), ("res_id", "=", rma.id)]
        )
        attachment.with_user(self.agent).unlink()
        self.assertFalse(rma_agent.policy_ok)
        self.assertIn("none is attached", rma_agent.policy_message)
        # a file attached directly in the backend counts too
        self.env["ir.attachment"].with_user(self.agent).create(
            {
                "name": "bag.png",
                "raw": PNG,
                "res_model": rma._name,
                "res_id": rma.id,
            }
        )
        self.assertTrue(rma_agent.policy_ok, rma_agent.policy_message)

    @freeze_time("2026-03-04 10:00:00")
    def test_store_drop_off_needs_no_photos(self):
        vals = self._rma_vals(reason=self.reason_quality, packaging=False)
        vals["return_method"] = "store"
        rma = self.env["aftersales.rma"].with_user(self.agent).create(vals)
        rma.action_submit()
        self.assertTrue(rma.policy_ok, rma.policy_message)
        self.assertIn("checked at the counter", rma.policy_message)
        # sent back by parcel instead: photos are needed again
        rma.return_method = "ship"
        self.assertFalse(rma.policy_ok)
        self.assertIn("none is attached", rma.policy_message)
        ok, message = self.env["aftersales.rma"]._portal_policy_preview(
            self.customer,
            self.order,
            [
                {
                    "sale_line_id": self.order.order_line.id,
                    "quantity": 1.0,
                    "lot_id": False,
                    "original_packaging": False,
                }
            ],
            self.reason_quality,
            return_method="store",
        )
        self.assertTrue(ok, message)

    @freeze_time("2026-03-04 10:00:00")
    def test_shipping_payer(self):
        self.assertEqual(self._make_rma().shipping_paid_by, "customer")
        rma = self._make_rma(reason=self.reason_transit)
        self.assertEqual(rma.shipping_paid_by, "company")
        self.assertIn("we pay the return shipping", rma.policy_message)

    @freeze_time("2026-03-04 10:00:00")
    def test_auto_approve_under_amount(self):
        # 2 units at 100 - 10% + 13% tax = 203.40
        self.company.aftersales_auto_approve_amount = 250.0
        rma = self._make_rma(qty=2.0)
        self.assertEqual(rma.amount_total, 203.4)
        rma.action_submit()
        self.assertEqual(rma.state, "approved")
        self.assertTrue(rma.picking_ids)
        # over the amount: a person decides
        self.company.aftersales_auto_approve_amount = 200.0
        rma = self._make_rma(qty=3.0)
        rma.action_submit()
        self.assertEqual(rma.state, "submitted")
        # outside the policy: never automatic
        self.company.aftersales_auto_approve_amount = 1000.0
        rma.action_cancel()
        rma = self._make_rma(packaging=False)
        rma.action_submit()
        self.assertEqual(rma.state, "submitted")

    @freeze_time("2026-03-04 10:00:00")
    def test_compensation_coupon_on_company_fault(self):
        program = self.env["loyalty.program"].create(
            {
                "name": "Sorry coupon",
                "program_type": "coupons",
                "trigger": "with_code",
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "required_points": 1,
                        },
                    )
                ],
            }
        )
        self.company.aftersales_rma_coupon_program_id = program
        rma = self._make_rma(reason=self.reason_transit)
        rma.action_submit()
        rma.with_user(self.supervisor).action_approve()
        card = rma.compensation_card_id
        self.assertEqual(card.program_id, program)
        self.assertEqual(card.partner_id, self.customer)
        self.assertEqual(card.points, 1)
        approval = rma.message_ids.filtered(lambda m: card.code in (m.body or ""))
        self.assertTrue(approval, "the approval mail gives the coupon code")
        # no coupon when the customer changed their mind
        rma2 = self._make_rma(qty=1.0)
        rma2.action_submit()
        rma2.with_user(self.supervisor).action_approve()
        self.assertFalse(rma2.compensation_card_id)


@tagged("post_install", "-at_install")
class TestRmaEvidencePortal(PortalFixture, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()
        cls.reason = cls.env.ref("pet_aftersales.aftersales_return_reason_quality")

    def test_portal_customer_adds_photos_to_submitted_return(self):
        """The customer submits without photos, then sends them from the
        return's page (the portal chatter): the return is within policy."""
        rma = (
            self.env["aftersales.rma"]
            .with_user(self.portal_user)
            ._portal_create(
                self.portal_partner,
                self.order,
                [
                    {
                        "sale_line_id": self.order.order_line.id,
                        "quantity": 1.0,
                        "lot_id": False,
                        "original_packaging": False,
                    }
                ],
                self.reason,
            )
        )
        self.assertEqual(rma.state, "submitted")
        self.assertFalse(rma.policy_ok)
        self.assertIn("none is attached", rma.policy_message)
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open(f"/my/returns/{rma.id}")
        self.assertEqual(page.status_code, 200)
        token = rma.sudo()._portal_ensure_token()
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "is_pending": True,
                "thread_id": rma.id,
                "thread_model": rma._name,
                "token": token,
            },
            files={"ufile": ("bag.png", PNG, "image/png")},
        )
        response.raise_for_status()
        attachment = json.loads(response.content)["data"]["ir.attachment"][0]
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": rma._name,
                "thread_id": rma.id,
                "post_data": {
                    "body": "Here are the photos of the torn bag.",
                    "attachment_ids": [attachment["id"]],
                    "message_type": "comment",
                },
                "attachment_tokens": [attachment["access_token"]],
                "token": token,
            },
        )
        rma.invalidate_recordset()
        self.assertTrue(rma.policy_ok, rma.policy_message)
        self.assertNotIn("none is attached", rma.policy_message)
