from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .portal_common import PNG, PORTAL_LOGIN, SVG, PortalSecurityCase


@tagged("post_install", "-at_install")
class TestPortalReturnPetSecurity(PortalSecurityCase):
    """Returns and pets: only the customer's own, and every refusal clear."""

    def test_return_routes_idor(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        response = self.url_open(f"/my/returns/{self.other_rma.id}")
        self.assertTrue(response.url.endswith("/my"))
        self.assertNotIn(self.other_rma.name, response.text)
        listing = self.url_open("/my/returns")
        self.assertNotIn(self.other_rma.name, listing.text)
        # Another customer's order: no return form.
        response = self.url_open(f"/my/orders/{self.other_order.id}/return")
        self.assertTrue(response.url.endswith("/my"))
        rma_count = self.env["aftersales.rma"].search_count([])
        response = self._post(
            f"/my/orders/{self.other_order.id}/return",
            {
                f"qty_{self.other_order.order_line.id}": "1",
                "reason_id": self.reason.id,
            },
            form_url="/my/cases/new",
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.env["aftersales.rma"].search_count([]), rma_count)
        # The policy check answers nothing about another's order.
        answer = self.make_jsonrpc_request(
            f"/my/orders/{self.other_order.id}/return/check",
            {f"qty_{self.other_order.order_line.id}": "1"},
        )
        self.assertFalse(answer["ok"])

    def test_return_create_and_follow(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        line = self.order.order_line
        url = f"/my/orders/{self.order.id}/return"
        page = self.url_open(url)
        self.assertIn(f'name="qty_{line.id}"', page.text)
        answer = self.make_jsonrpc_request(
            f"{url}/check",
            {f"qty_{line.id}": "2", "reason_id": str(self.reason.id)},
        )
        self.assertIn("ok", answer)
        self.assertTrue(answer["message"])
        self.assertFalse(
            self.env["aftersales.rma"].search([("sale_order_id", "=", self.order.id)]),
            "checking the policy writes nothing",
        )
        response = self._post(
            url,
            {
                f"qty_{line.id}": "2",
                f"packaging_{line.id}": "on",
                "reason_id": self.reason.id,
                "return_method": "store",
                "description": "Dog refuses it",
                # Not offered by the form: ignored.
                "pickup_address_id": self.other_partner.id,
                "partner_id": self.other_partner.id,
                "user_id": self.env.ref("base.user_admin").id,
                "state": "approved",
            },
            files=[
                ("attachments", ("proof.pdf", b"%PDF-1.4 proof", "application/pdf"))
            ],
        )
        self.assertEqual(response.status_code, 303, response.text[-2000:])
        rma = self.env["aftersales.rma"].search([("sale_order_id", "=", self.order.id)])
        self.assertEqual(len(rma), 1)
        self.assertEqual(rma.partner_id, self.portal_partner)
        self.assertEqual(rma.return_method, "store")
        self.assertNotEqual(rma.pickup_address_id, self.other_partner)
        self.assertEqual(rma.line_ids.quantity, 2)
        self.assertTrue(rma.line_ids.original_packaging)
        self.assertIn(rma.state, ("submitted", "approved"))
        proof = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.rma"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(proof.mimetype, "application/pdf")
        self.assertTrue(proof.access_token)
        detail = self.url_open(f"/my/returns/{rma.id}")
        self.assertIn(rma.name, detail.text)
        self.assertIn('data-state="submitted"', detail.text)
        self.assertIn("proof.pdf", detail.text)
        self.assertIn(rma.name, self.url_open("/my/returns").text)
        # Only one unit is left to return.
        response = self._post(url, {f"qty_{line.id}": "2", "reason_id": self.reason.id})
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 1", response.text)
        # The other customer cannot see it, even by id.
        self.authenticate("other_customer", "other_customer")
        response = self.url_open(f"/my/returns/{rma.id}")
        self.assertNotIn(rma.name, response.text)

    def test_return_token_link_without_login(self):
        self.other_rma._portal_ensure_token()
        response = self.url_open(self.other_rma.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_rma.name, response.text)
        self.assertIn("o_aftersales_rma_timeline", response.text)

    def test_return_refusals(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        line = self.order.order_line
        url = f"/my/orders/{self.order.id}/return"
        rma_count = self.env["aftersales.rma"].search_count([])
        base = {"reason_id": self.reason.id, "return_method": "ship"}
        for data, message in (
            # A line of another customer's order.
            (
                {**base, f"qty_{self.other_order.order_line.id}": "1"},
                "not on this order",
            ),
            ({**base, f"qty_{line.id}": "-1"}, "cannot be negative"),
            ({**base, f"qty_{line.id}": "4"}, "at most 3"),
            ({**base, f"qty_{line.id}": "nan"}, "cannot be negative"),
            ({**base, f"qty_{line.id}": "0"}, "at least one product"),
            ({**base, f"qty_{line.id}": "1", "reason_id": ""}, "why you return"),
            (
                {**base, f"qty_{line.id}": "1", "return_method": "teleport"},
                "how you send",
            ),
        ):
            response = self._post(url, data)
            self.assertEqual(response.status_code, 400, data)
            self.assertIn(message, response.text)
        # Evidence that is not an image or a PDF.
        response = self._post(
            url,
            {**base, f"qty_{line.id}": "1"},
            files=[("attachments", ("photo.jpg", SVG, "image/jpeg"))],
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), rma_count)

    def test_return_undelivered_order(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open(f"/my/orders/{self.undelivered_order.id}/return")
        self.assertIn("o_aftersales_nothing_to_return", page.text)
        rma_count = self.env["aftersales.rma"].search_count([])
        response = self._post(
            f"/my/orders/{self.undelivered_order.id}/return",
            {
                f"qty_{self.undelivered_order.order_line.id}": "1",
                "reason_id": self.reason.id,
            },
            form_url="/my/cases/new",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("has not been delivered", response.text)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), rma_count)
        order_page = self.url_open(self.undelivered_order.get_portal_url())
        self.assertNotIn("o_aftersales_request_return", order_page.text)
        self.assertIn(
            "o_aftersales_request_return",
            self.url_open(self.order.get_portal_url()).text,
        )

    @mute_logger("odoo.http")
    def test_return_without_csrf_is_refused(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        rma_count = self.env["aftersales.rma"].search_count([])
        response = self._post(
            f"/my/orders/{self.order.id}/return",
            {f"qty_{self.order.order_line.id}": "1", "reason_id": self.reason.id},
            csrf=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), rma_count)

    # pets ------------------------------------------------------------------

    def test_pet_routes_idor(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        self.assertNotIn("Rex", self.url_open("/my/pets").text)
        response = self.url_open(f"/my/pets/{self.other_pet.id}/edit")
        self.assertTrue(response.url.endswith("/my"))
        response = self._post(
            f"/my/pets/{self.other_pet.id}/edit",
            {"name": "Stolen", "species": "cat"},
            form_url="/my/pets/new",
        )
        self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._post(
            f"/my/pets/{self.other_pet.id}/archive", {}, form_url="/my/pets/new"
        )
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.other_pet.invalidate_recordset()
        self.assertEqual(self.other_pet.name, "Rex")
        self.assertEqual(self.other_pet.species, "dog")
        self.assertTrue(self.other_pet.active)

    def test_pet_create_edit_archive(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        response = self._post(
            "/my/pets/new",
            {
                "name": "Doudou",
                "species": "cat",
                "sex": "female",
                "birthdate": "2022-03-01",
                "weight_kg": "3,5",
                "neutered": "on",
                "allergies": "Fish",
                # Not offered by the form: ignored.
                "partner_id": self.other_partner.id,
                "active": "",
            },
            files=[("image", ("doudou.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        pet = self.env["pet.profile"].search([("name", "=", "Doudou")])
        self.assertEqual(pet.partner_id, self.portal_partner)
        self.assertEqual(pet.weight_kg, 3.5)
        self.assertTrue(pet.neutered)
        self.assertTrue(pet.active)
        self.assertTrue(pet.image_128)
        response = self._post(
            f"/my/pets/{pet.id}/edit",
            {"name": "Doudou", "species": "cat", "breed": "Ragdoll", "weight_kg": "4"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(pet.breed, "Ragdoll")
        self.assertFalse(pet.neutered)
        response = self._post(f"/my/pets/{pet.id}/archive", {}, form_url="/my/pets")
        self.assertEqual(response.status_code, 303)
        pet.invalidate_recordset()
        self.assertFalse(pet.active)
        self.assertIn("Doudou", self.url_open("/my/pets?filterby=archived").text)
        self._post(f"/my/pets/{pet.id}/unarchive", {}, form_url="/my/pets")
        pet.invalidate_recordset()
        self.assertTrue(pet.active)

    def test_pet_form_refusals(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        count = self.env["pet.profile"].search_count([])
        for data, files, message in (
            ({"name": "", "species": "dog"}, None, "pet&#39;s name"),
            ({"name": "X", "species": "dragon"}, None, "Choose a species"),
            ({"name": "X", "weight_kg": "-3"}, None, "realistic weight"),
            ({"name": "X", "birthdate": "2999-01-01"}, None, "future"),
            (
                {"name": "X"},
                [("image", ("x.png", SVG, "image/png"))],
                "not an accepted photo",
            ),
            (
                {"name": "X"},
                [("image", ("x.pdf", b"%PDF-1.4 hello", "application/pdf"))],
                "not an accepted photo",
            ),
        ):
            response = self._post("/my/pets/new", data, files=files)
            self.assertEqual(response.status_code, 400, data)
            self.assertIn(message, response.text)
        self.assertEqual(self.env["pet.profile"].search_count([]), count)

    def test_portal_cannot_delete_pets(self):
        pet = self.pet.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            pet.unlink()
        agent = new_test_user(
            self.env,
            login="pet_agent",
            groups="base.group_user,pet_aftersales.pet_aftersales_group_agent",
        )
        with self.assertRaises(UserError):
            self.pet.with_user(agent).unlink()
        self.assertTrue(self.pet.exists())
