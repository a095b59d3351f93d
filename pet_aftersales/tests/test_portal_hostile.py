import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..controllers.portal_input import PORTAL_TEXT_LIMITS
from .portal_common import PORTAL_LOGIN, PortalFixture


@tagged("post_install", "-at_install")
class TestPortalHostile(PortalFixture, HttpCase):
    """What a hostile or careless visitor posts is refused with a message
    (400), never answered with a server error, and never stored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        marker = 'name="csrf_token" value="'
        start = response.text.index(marker) + len(marker)
        return response.text[start : response.text.index('"', start)]

    def _post(self, url, data, form_url=None):
        data = {**data, "csrf_token": self._csrf(form_url or url)}
        return self.url_open(url, data=data, allow_redirects=False)

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertNotIn("error", body, params)
        return body["result"]

    # text ------------------------------------------------------------------

    def test_nul_bytes_refused(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        cases = self.env["aftersales.case"].search_count([])
        response = self._post(
            "/my/cases/new",
            {"name": "Dented\x00tin", "category_id": self.category.id},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not allowed", response.text)
        self.assertEqual(self.env["aftersales.case"].search_count([]), cases)

        pets = self.env["pet.profile"].search_count([])
        for data in (
            {"name": "Rex\x00", "species": "dog"},
            {"name": "Rex", "species": "dog", "allergies": "fish\x00"},
        ):
            response = self._post("/my/pets/new", data)
            self.assertEqual(response.status_code, 400, data)
            self.assertIn("not allowed", response.text)
        self.assertEqual(self.env["pet.profile"].search_count([]), pets)

        rmas = self.env["aftersales.rma"].search_count([])
        response = self._post(
            f"/my/orders/{self.order.id}/return",
            {
                f"qty_{self.order.order_line.id}": "1",
                "reason_id": self.reason.id,
                "description": "broken\x00",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not allowed", response.text)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), rmas)

    def test_oversize_text_refused_not_stored(self):
        self.assertEqual(PORTAL_TEXT_LIMITS["case_description"], 10000)
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        cases = self.env["aftersales.case"].search_count([])
        response = self._post(
            "/my/cases/new",
            {
                "name": "Dented tin",
                "category_id": self.category.id,
                "description": "x" * (1024 * 1024),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 10000 characters", response.text)
        self.assertEqual(self.env["aftersales.case"].search_count([]), cases)
        # the form states the same limit
        self.assertIn('maxlength="10000"', self.url_open("/my/cases/new").text)
        # at the limit it is accepted
        response = self._post(
            "/my/cases/new",
            {
                "name": "Dented tin",
                "category_id": self.category.id,
                "description": "x" * 10000,
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        response = self._post(
            "/my/pets/new", {"name": "R" * 129, "species": "dog"}, "/my/pets/new"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 128 characters", response.text)

    # ids -------------------------------------------------------------------

    def test_garbage_ids_refused(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        for data in (
            {"name": "X", "category_id": "abc"},
            {"name": "X", "category_id": "99999999999999999999"},
            {"name": "X", "category_id": self.category.id, "lot_id": "-1"},
            {"name": "X", "category_id": self.category.id, "lot_id": "999999"},
        ):
            response = self._post("/my/cases/new", data)
            self.assertEqual(response.status_code, 400, data)
        line = self.order.order_line
        url = f"/my/orders/{self.order.id}/return"
        for data in (
            {f"qty_{line.id}": "1", "reason_id": "x"},
            {f"qty_{line.id}": "1", "reason_id": self.reason.id, f"lot_{line.id}": "9"},
            {f"qty_{line.id}": "1e999", "reason_id": self.reason.id},
        ):
            response = self._post(url, data)
            self.assertEqual(response.status_code, 400, data)
        self.assertEqual(self.url_open("/my/cases/abc").status_code, 404)

    def test_return_check_json_types(self):
        """The live policy check answers a message for any JSON value."""
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        line = self.order.order_line
        url = f"/my/orders/{self.order.id}/return/check"
        ok = self._json(url, {f"qty_{line.id}": 1, "reason_id": self.reason.id})
        self.assertIn("ok", ok)
        for bad in ([1], {"a": 1}, True, None, "1; DROP"):
            for params in (
                {f"qty_{line.id}": bad, "reason_id": self.reason.id},
                {
                    f"qty_{line.id}": "1",
                    "reason_id": self.reason.id,
                    "return_method": bad if bad is not None else 5,
                },
                {f"qty_{line.id}": "1", "reason_id": bad},
                {f"qty_{line.id}": "1", "reason_id": self.reason.id, "lot_x": bad},
            ):
                result = self._json(url, params)
                if bad is None and "return_method" not in params:
                    continue
                self.assertIsInstance(result.get("message"), str, params)
        result = self._json(
            url,
            {f"qty_{line.id}": "1", "reason_id": self.reason.id, "return_method": 7},
        )
        self.assertFalse(result["ok"])
        self.assertIn("how you send", result["message"])

    # withdrawn records -----------------------------------------------------

    def test_archived_case_token_stops_working(self):
        self.other_case.solution = "return"
        self.other_case._portal_ensure_token()
        token = self.other_case.access_token
        url = f"/my/cases/{self.other_case.id}?access_token={token}"
        self.assertEqual(self.url_open(url).status_code, 200)
        csrf = self._csrf(url)
        self.other_case.action_archive()
        self.assertEqual(self.url_open(url).status_code, 404)
        response = self.url_open(
            f"/my/cases/{self.other_case.id}/accept",
            data={"access_token": token, "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.other_case.invalidate_recordset()
        self.assertFalse(self.other_case.solution_confirmed_date)

    def test_cancelled_return_token_stops_working(self):
        self.other_rma._portal_ensure_token()
        url = self.other_rma.get_portal_url()
        self.assertEqual(self.url_open(url).status_code, 200)
        self.other_rma.action_cancel()
        self.assertEqual(self.url_open(url).status_code, 404)
        # its owner, logged in, still sees it in the list of returns
        self.authenticate("other_customer", "other_customer")
        response = self.url_open(f"/my/returns/{self.other_rma.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_rma.name, response.text)

    # pets by RPC -----------------------------------------------------------

    def test_pets_only_through_the_portal_form(self):
        pet = self.pet.with_user(self.portal_user)
        self.assertEqual(pet.name, self.pet.name)  # they read their own pet
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            pet.write({"partner_id": self.other_partner.id})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            pet.write({"name": "Renamed by RPC"})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.env["pet.profile"].with_user(self.portal_user).create(
                {"name": "Given away", "partner_id": self.other_partner.id}
            )
        self.assertEqual(self.pet.partner_id, self.portal_partner)
        # the portal form still edits it, the owner is never taken from it
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        response = self._post(
            f"/my/pets/{self.pet.id}/edit",
            {
                "name": "Renamed on the portal",
                "species": "cat",
                "partner_id": self.other_partner.id,
            },
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.pet.invalidate_recordset()
        self.assertEqual(self.pet.name, "Renamed on the portal")
        self.assertEqual(self.pet.partner_id, self.portal_partner)


@tagged("post_install", "-at_install")
class TestPortalReturnTimeline(PortalFixture, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()
        cls.env["res.lang"]._activate_lang("zh_TW")
        cls.env["ir.module.module"].search(
            [("name", "=", "pet_aftersales")]
        )._update_translations(["zh_TW"])
        cls.supervisor = new_test_user(
            cls.env,
            login="timeline_supervisor",
            lang="en_US",
            groups="pet_aftersales.pet_aftersales_group_supervisor",
        )
        cls.portal_user.lang = "zh_TW"

    def test_timeline_dates_whatever_the_languages(self):
        """English staff move the return on, a zh_TW customer reads it: each
        reached step shows its date."""
        rma = self.env["aftersales.rma"].create(
            {
                "partner_id": self.portal_partner.id,
                "sale_order_id": self.order.id,
                "reason_id": self.reason.id,
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": self.order.order_line.id,
                            "product_id": self.product.id,
                            "quantity": 1,
                        }
                    )
                ],
            }
        )
        staff_rma = rma.with_user(self.supervisor).with_context(lang="en_US")
        staff_rma.action_submit()
        staff_rma.action_approve()
        self.assertTrue(rma.submitted_date and rma.approved_date)
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open(f"/my/returns/{rma.id}").text
        self.assertIn("已送出", page)  # the zh_TW label of "Submitted"
        for state in ("draft", "submitted", "approved"):
            start = page.index(f'data-state="{state}"')
            step = page[start : page.index("</li>", start)]
            self.assertIn("d-block text-muted", step, state)  # its date
        start = page.index('data-state="received"')
        self.assertNotIn("d-block", page[start : page.index("</li>", start)])
