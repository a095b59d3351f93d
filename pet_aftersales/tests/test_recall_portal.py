import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .portal_common import PNG
from .recall_common import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallPortal(RecallCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = RecallCommon._start_recall(cls)
        cls.recall.with_user(cls.supervisor).action_notify()
        cls.line_a = cls.recall.line_ids.filtered(
            lambda line: line.partner_id == cls.customer
        )
        cls.line_b = cls.recall.line_ids - cls.line_a

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _answer(self, line, data, token=None, url=None, files=None):
        token = token or line.access_token
        page = f"/my/recall/{line.id}?access_token={token}"
        data = {**data, "csrf_token": self._csrf(page), "access_token": token}
        return self.url_open(
            url or f"/my/recall/{line.id}",
            data=data,
            files=files,
            allow_redirects=False,
        )

    def test_token_opens_only_its_own_notice(self):
        response = self.url_open(
            f"/my/recall/{self.line_a.id}?access_token={self.line_a.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("KB-2026-07", response.text)
        self.assertIn("Send my answer", response.text)
        # another customer's token opens nothing
        response = self.url_open(
            f"/my/recall/{self.line_a.id}?access_token={self.line_b.access_token}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(f"/my/recall/{self.line_a.id}", allow_redirects=False)
        self.assertIn("/web/login", response.headers["Location"])
        # nor can it post for them
        response = self.url_open(
            f"/my/recall/{self.line_b.id}",
            data={
                "csrf_token": self._csrf(
                    f"/my/recall/{self.line_a.id}?access_token={self.line_a.access_token}"
                ),
                "access_token": self.line_a.access_token,
                "qty_remaining": "0",
            },
            allow_redirects=False,
        )
        self.assertIn("/web/login", response.headers["Location"])
        self.assertEqual(self.line_b.state, "notified")

    def test_portal_user_sees_only_own_lines_and_banner(self):
        Line = self.env["aftersales.recall.line"].with_user(self.portal_user)
        self.assertEqual(Line.search([]), self.line_a)
        with self.assertRaises(AccessError):
            self.line_b.with_user(self.portal_user).read(["qty_shipped"])
        self.authenticate("recall_portal", "recall_portal")
        home = self.url_open("/my")
        self.assertIn("o_aftersales_recall_banner", home.text)
        self.assertIn(f"/my/recall/{self.line_a.id}", home.text)
        self.assertNotIn(f"/my/recall/{self.line_b.id}", home.text)
        self.assertEqual(self.url_open(f"/my/recall/{self.line_a.id}").status_code, 200)
        response = self.url_open(f"/my/recall/{self.line_b.id}", allow_redirects=False)
        self.assertEqual(response.headers["Location"].split("?")[0][-3:], "/my")

    def test_bad_quantities_are_refused_with_a_message(self):
        for value, message in (
            ("-1", "whole number"),
            ("1.5", "whole number"),
            ("abc", "as numbers"),
            ("4", "cannot still have more"),
        ):
            response = self._answer(
                self.line_a, {"qty_remaining": value, "choice": "dispose"}
            )
            self.assertEqual(response.status_code, 400, value)
            self.assertIn(message, response.text, value)
        self.assertEqual(self.line_a.state, "notified")
        self.assertFalse(self.line_a.rma_id)

    def test_dispose_refund_flow(self):
        """A visitor with the link acknowledges and disposes; the supervisor
        approves and finishes: a credit note, no receipt."""
        response = self._answer(
            self.line_a, {"qty_remaining": "2", "choice": "dispose"}
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertEqual(self.line_a.state, "acknowledged")
        self.assertEqual(self.line_a.qty_remaining, 2.0)
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "dispose")
        self.assertEqual(rma.shipping_paid_by, "company")
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.line_ids.lot_id, self.lot)
        self.assertEqual(rma.line_ids.quantity, 2.0)
        self.assertEqual(rma.state, "submitted")
        # submitting again changes nothing
        self._answer(self.line_a, {"qty_remaining": "3", "choice": "return"})
        self.assertEqual(self.line_a.rma_id, rma)
        self.assertEqual(self.line_a.qty_remaining, 2.0)
        self.assertEqual(
            self.env["aftersales.rma"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )

        rma.with_user(self.supervisor).action_approve()
        self.assertEqual(rma.state, "received")
        self.assertFalse(rma.picking_ids)
        self.assertEqual(rma.line_ids.received_qty, 2.0)
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        refund = rma.refund_move_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.invoice_line_ids.quantity, 2.0)
        self.assertEqual(self.line_a.state, "disposed")
        self.assertEqual(self.recall.qty_disposed, 2.0)
        self.assertEqual(self.recall.acknowledged_count, 1)
        # 1 of customer A was used up, customer B did not answer
        self.assertEqual(self.recall.qty_unaccounted, 1.0)

    def test_dispose_photo_required_by_setting(self):
        self.company.aftersales_recall_dispose_photo = True
        response = self._answer(
            self.line_a, {"qty_remaining": "1", "choice": "dispose"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("photo", response.text)
        self.assertFalse(self.line_a.rma_id)
        # with the photo of the emptied bag, the disposal is accepted and the
        # photo is the return's evidence
        response = self._answer(
            self.line_a,
            {"qty_remaining": "1", "choice": "dispose"},
            files=[("attachments", ("bag.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "dispose")
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.rma"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(photos.mapped("name"), ["bag.png"])

    def test_return_choice_creates_a_free_return(self):
        response = self._answer(
            self.line_a,
            {"qty_remaining": "3", "choice": "return", "resolution": "exchange"},
        )
        self.assertEqual(response.status_code, 303)
        rma = self.line_a.rma_id
        self.assertEqual(rma.return_method, "ship")
        self.assertEqual(rma.resolution, "exchange")
        self.assertEqual(rma.shipping_paid_by, "company")
        self.assertEqual(
            rma.reason_id,
            self.env.ref("pet_aftersales.aftersales_return_reason_recall"),
        )
        # the goods come back: the supervisor approves, the warehouse
        # validates the receipt, and the recall counts them as recovered
        rma.with_user(self.supervisor).action_approve()
        storekeeper = new_test_user(
            self.env,
            login="recall_storekeeper",
            groups="stock.group_stock_user",
            company_id=self.company.id,
        )
        for picking in rma.sudo().picking_ids.with_user(storekeeper):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        self.assertEqual(rma.state, "received")
        self.assertEqual(self.line_a.qty_returned, 3.0)
        self.assertEqual(self.recall.qty_returned, 3.0)
        self.assertEqual(self.recall.qty_unaccounted, 1.0)  # B's unit only
        # inspected and finished (the exchange ships): the line is closed
        rma.line_ids.with_user(self.agent).action_inspection_pass()
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        self.assertEqual(self.line_a.state, "returned")

    def test_nothing_left_acknowledges_only(self):
        response = self._answer(self.line_a, {"qty_remaining": "0"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.line_a.state, "acknowledged")
        self.assertFalse(self.line_a.rma_id)
        self.assertEqual(self.recall.qty_unaccounted, 1.0)  # B's unit only

    def test_pet_fell_ill_opens_a_pet_health_case(self):
        response = self._answer(
            self.line_a,
            {"illness": "Our dog vomited twice after eating it."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(response.status_code, 303)
        case = self.line_a.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.category_id.code, "pet_health")
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.lot_id, self.lot)
        self.assertEqual(self.recall.case_count, 1)
        # told again while the case is open: the same case hears it
        response = self._answer(
            self.line_a,
            {"illness": "Now she refuses to eat."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.line_a.case_ids, case)
        message = case.message_ids.filtered(
            lambda m: "refuses to eat" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.customer)
        # once the case is closed, a new illness is a new case
        pet = self.env["pet.profile"].create(
            {"name": "Bao", "species": "dog", "partner_id": self.customer.id}
        )
        case.with_user(self.manager).write(
            {"pet_id": pet.id, "solution": "price_compensation"}
        )
        case.with_user(self.manager).action_close()
        self._answer(
            self.line_a,
            {"illness": "Our other dog is sick too."},
            url=f"/my/recall/{self.line_a.id}/illness",
        )
        self.assertEqual(len(self.line_a.case_ids), 2)
        self.assertEqual(self.recall.case_count, 2)


@tagged("post_install", "-at_install")
class TestRecallTour(RecallCommon, HttpCase):
    def test_recall_end_to_end(self):
        """Lot cluster -> alert -> recall -> notices -> a visitor disposes on
        the portal -> refund -> effectiveness check -> closed -> the record,
        each step by its role."""
        # three customers complain about the same lot within the window
        self.company.write(
            {"aftersales_cluster_min_cases": 3, "aftersales_cluster_days": 7}
        )
        quality = self.env.ref("pet_aftersales.aftersales_category_quality")
        complaints = (
            self.env["aftersales.case"]
            .with_user(self.agent)
            .create(
                [
                    {
                        "name": f"Kibble smells off ({customer.name})",
                        "partner_id": customer.id,
                        "category_id": quality.id,
                        "product_id": self.product.id,
                        "lot_id": self.lot.id,
                    }
                    for customer in (self.customer, self.customer_b, self.customer_c)
                ]
            )
        )
        # the manager runs the detection from the Alerts view
        self.env["aftersales.alert"].with_user(self.manager).action_detect_now()
        alert = self.env["aftersales.alert"].search(
            [("alert_type", "=", "quality_cluster"), ("lot_id", "=", self.lot.id)]
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, complaints)
        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_alert_action/{alert.id}",
            "pet_aftersales_recall_start",
            login="as_manager",
        )
        recall = alert.recall_ids
        self.assertEqual(recall.state, "open")
        self.assertEqual(len(recall.line_ids), 2)
        self.assertEqual(len(self._notice_mails(recall)), 2)
        line = recall.line_ids.filtered(lambda line: line.partner_id == self.customer)

        self.start_tour(line.get_portal_url(), "pet_aftersales_recall_notice")
        rma = line.rma_id
        self.assertEqual(line.state, "acknowledged")
        self.assertEqual(rma.return_method, "dispose")

        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_rma_action/{rma.id}",
            "pet_aftersales_recall_refund",
            login="as_supervisor",
        )
        self.assertEqual(rma.state, "done")
        self.assertTrue(rma.refund_move_ids)
        self.assertEqual(line.state, "disposed")

        self.start_tour(
            f"/odoo/action-pet_aftersales.aftersales_recall_action/{recall.id}",
            "pet_aftersales_recall_close",
            login="as_manager",
        )
        self.assertEqual(recall.state, "closed")
        self.assertTrue(recall.effectiveness_note)
        self.assertEqual(recall.case_ids, complaints)
        # the record for the authority: every customer and the disposal
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "pet_aftersales.action_report_aftersales_recall", recall.ids
            )
        )
        html = html.decode()
        for customer in recall.line_ids.partner_id:
            self.assertIn(customer.name, html)
        self.assertIn("Disposed", html)
