import base64
import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


PORTAL_LOGIN = "customer_portal"


class PortalFixture:
    """A portal customer with a living and a deceased pet, a second customer
    with records of their own, and a delivered order for each (built here,
    not borrowed from the demo data)."""

    @classmethod
    def _delivered_order(cls, partner, product, qty=3):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking.button_validate()
        return order

    @classmethod
    def _portal_fixture(cls):
        env = cls.env
        cls.portal_user = new_test_user(
            env,
            login=PORTAL_LOGIN,
            password=PORTAL_LOGIN,
            name="Joel Portal",
            email="joel.portal@example.com",
            groups="base.group_portal",
        )
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.write(
            {
                "street": "12 Harbour Road",
                "city": "Keelung",
                "phone": "+886 2 2420 0000",
            }
        )
        cls.other_user = new_test_user(
            env,
            login="other_customer",
            password="other_customer",
            name="Other Customer",
            email="other@example.com",
            groups="base.group_portal",
        )
        cls.other_partner = cls.other_user.partner_id
        cls.product = env["product.product"].create(
            {"name": "Salmon Kibble 2 kg", "type": "consu", "list_price": 30.0}
        )
        cls.product_other = env["product.product"].create(
            {"name": "Cat Tree XL", "type": "consu", "list_price": 120.0}
        )
        cls.order = cls._delivered_order(cls.portal_partner, cls.product)
        cls.other_order = cls._delivered_order(cls.other_partner, cls.product_other)
        cls.undelivered_order = env["sale.order"].create(
            {
                "partner_id": cls.portal_partner.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 2})
                ],
            }
        )
        cls.undelivered_order.action_confirm()
        cls.category = env.ref("pet_aftersales.aftersales_category_delivery")
        cls.pet, cls.deceased_pet = env["pet.profile"].create(
            [
                {
                    "name": "Lucky",
                    "partner_id": cls.portal_partner.id,
                    "species": "dog",
                    "breed": "Golden Retriever",
                    "sex": "male",
                    "birthdate": "2023-05-01",
                    "weight_kg": 30.5,
                    "neutered": True,
                    "allergies": "Chicken protein",
                },
                {
                    "name": "Buddy",
                    "partner_id": cls.portal_partner.id,
                    "species": "dog",
                    "breed": "Beagle",
                    "birthdate": "2012-02-01",
                    "deceased_date": "2026-01-15",
                },
            ]
        )
        cls.other_pet = env["pet.profile"].create(
            {"name": "Rex", "partner_id": cls.other_partner.id, "species": "dog"}
        )
        cls.own_case = env["aftersales.case"].create(
            {
                "name": "Torn bag of dry food on delivery",
                "partner_id": cls.portal_partner.id,
                "category_id": cls.category.id,
                "channel": "portal",
                "pet_id": cls.pet.id,
            }
        )
        cls.other_case = env["aftersales.case"].create(
            {
                "name": "Other customer's secret problem",
                "partner_id": cls.other_partner.id,
                "category_id": cls.category.id,
            }
        )
        cls.other_rma = env["aftersales.rma"].create(
            {
                "partner_id": cls.other_partner.id,
                "sale_order_id": cls.other_order.id,
                "description": "Other customer's return",
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": cls.other_order.order_line.id,
                            "product_id": cls.product_other.id,
                            "quantity": 1,
                        }
                    )
                ],
            }
        )
        cls.reason = env.ref("pet_aftersales.aftersales_return_reason_no_reason")


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalFixture, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()

    # helpers ---------------------------------------------------------------

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post(self, url, data, files=None, form_url=None, csrf=True):
        data = dict(data)
        if csrf:
            data["csrf_token"] = self._csrf(form_url or url)
        return self.url_open(url, data=data, files=files, allow_redirects=False)

    def _case_count(self):
        return self.env["aftersales.case"].search_count([])

    def _new_case_data(self, **kw):
        data = {
            "name": "Dented tin",
            "category_id": self.category.id,
            "sale_order_id": self.order.id,
            "product_id": self.product.id,
            "pet_id": self.pet.id,
            "description": "The tin <b>was</b> dented",
        }
        data.update(kw)
        return data

    # home ------------------------------------------------------------------

    def test_home_counters_only_count_own_records(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        own_cases = self.env["aftersales.case"].search_count(
            [("partner_id", "child_of", self.portal_partner.commercial_partner_id.id)]
        )
        response = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "aftersales_case_count",
                    "aftersales_rma_count",
                    "pet_count",
                ]
            },
        )
        self.assertEqual(response["aftersales_case_count"], own_cases)
        # This customer's returns count, the other customer's don't.
        own_rmas = self.env["aftersales.rma"].search(
            [("partner_id", "child_of", self.portal_partner.commercial_partner_id.id)]
        )
        self.assertNotIn(self.other_rma, own_rmas)
        self.assertEqual(response["aftersales_rma_count"], len(own_rmas))
        # Lucky and Buddy; never the other's Rex.
        self.assertEqual(
            response["pet_count"],
            self.env["pet.profile"].search_count(
                [("partner_id", "=", self.portal_partner.id)]
            ),
        )
        home = self.url_open("/my/home")
        self.assertIn("/my/cases", home.text)
        self.assertIn("/my/pets", home.text)

    # cases -----------------------------------------------------------------

    def test_case_list_and_detail_idor(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        listing = self.url_open("/my/cases")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Torn bag of dry food", listing.text)
        self.assertNotIn("secret problem", listing.text)
        # Another customer's id: sent back to /my, nothing shown.
        response = self.url_open(f"/my/cases/{self.other_case.id}")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn("secret problem", response.text)
        # With a wrong token too.
        response = self.url_open(
            f"/my/cases/{self.other_case.id}?access_token=not-the-token"
        )
        self.assertNotIn("secret problem", response.text)
        # A missing id.
        response = self.url_open("/my/cases/999999999")
        self.assertTrue(response.url.endswith("/my"))

    def _queries(self, url):
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_lists_cost_constant_queries(self):
        """No query per record on /my/cases, /my/returns and /my/pets."""
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        Case = self.env["aftersales.case"]
        Pet = self.env["pet.profile"]
        urls = ("/my/cases", "/my/returns", "/my/pets")

        def add_records(count):
            Case.create(
                [
                    {
                        "name": f"Perf case {i}",
                        "partner_id": self.portal_partner.id,
                        "category_id": self.category.id,
                        "sale_order_id": self.order.id,
                    }
                    for i in range(count)
                ]
            )
            Pet.create(
                [
                    {"name": f"Perf pet {i}", "partner_id": self.portal_partner.id}
                    for i in range(count)
                ]
            )
            self.env["aftersales.rma"].create(
                [
                    {
                        "partner_id": self.portal_partner.id,
                        "sale_order_id": self.order.id,
                        "reason_id": self.reason.id,
                    }
                    for i in range(count)
                ]
            )
            self.env.flush_all()

        def measure():
            for url in urls:  # the first rendering fills caches
                self._queries(url)
            return {url: self._queries(url) for url in urls}

        add_records(3)
        small = measure()
        add_records(9)
        self.assertEqual(measure(), small)

    def test_customer_accepts_the_proposed_solution(self):
        """客户确认: the customer accepts our proposal on the case page, once;
        a GET, a missing CSRF token or another customer's case change nothing."""
        case = self.env["aftersales.case"].create(
            {
                "name": "Harness too small",
                "partner_id": self.portal_partner.id,
                "category_id": self.category.id,
                "solution": "exchange",
            }
        )
        url = f"/my/cases/{case.id}"
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        self.assertIn("Accept this solution", self.url_open(url).text)
        self.assertEqual(self.url_open(f"{url}/accept").status_code, 405)
        self.assertEqual(
            self._post(f"{url}/accept", {"accept": "1"}, csrf=False).status_code, 400
        )
        case.invalidate_recordset()
        self.assertFalse(case.solution_confirmed_date)

        response = self._post(f"{url}/accept", {"accept": "1"}, form_url=url)
        self.assertEqual(response.status_code, 303)
        self.assertIn("accepted=1", response.headers["Location"])
        case.invalidate_recordset()
        confirmed = case.solution_confirmed_date
        self.assertTrue(confirmed)
        accepted = case.message_ids.filtered(
            lambda m: "I accept the proposed solution: Exchange" in (m.body or "")
        )
        self.assertEqual(accepted.author_id, self.portal_partner)
        page = self.url_open(url).text
        self.assertIn("You accepted it on", page)
        self.assertNotIn("Accept this solution", page)
        # a second click (say from a stale tab) changes nothing
        self._post(f"{url}/accept", {"accept": "1"}, form_url="/my/cases/new")
        case.invalidate_recordset()
        self.assertEqual(case.solution_confirmed_date, confirmed)
        self.assertEqual(
            len(case.message_ids.filtered(lambda m: "I accept" in (m.body or ""))), 1
        )
        # another customer's case
        self.other_case.solution = "return"
        response = self._post(
            f"/my/cases/{self.other_case.id}/accept",
            {"accept": "1"},
            form_url="/my/cases/new",
        )
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.other_case.invalidate_recordset()
        self.assertFalse(self.other_case.solution_confirmed_date)

    def test_customer_accepts_with_the_mail_link(self):
        """Without a login, the case's token link is enough to accept."""
        self.other_case.solution = "return"
        self.other_case._portal_ensure_token()
        token = self.other_case.access_token
        url = f"/my/cases/{self.other_case.id}?access_token={token}"
        response = self._post(
            f"/my/cases/{self.other_case.id}/accept",
            {"access_token": token},
            form_url=url,
        )
        self.assertIn("accepted=1", response.headers["Location"])
        self.other_case.invalidate_recordset()
        self.assertTrue(self.other_case.solution_confirmed_date)

    def test_case_mail_link_works_without_login(self):
        """The link of an acknowledgement mail opens the case through its
        token, for a customer who has no portal login."""
        self.other_case._portal_ensure_token()
        url = self.other_case.get_portal_url()
        self.assertIn("access_token=", url)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("secret problem", response.text)
        # Without the token the public user is refused.
        response = self.url_open(f"/my/cases/{self.other_case.id}")
        self.assertNotIn("secret problem", response.text)

    def test_links_inside_customer_mails_open_the_record(self):
        """The link written in the case acknowledgement and in the return
        mail opens the record for a customer without any login."""
        for record, template, text in (
            (
                self.other_case,
                "pet_aftersales.mail_template_case_acknowledgement",
                "secret problem",
            ),
            (
                self.other_rma,
                "pet_aftersales.mail_template_rma_submitted",
                self.other_rma.name,
            ),
        ):
            message = record.message_post_with_source(
                self.env.ref(template), subtype_xmlid="mail.mt_comment"
            )
            hrefs = re.findall(r'href="([^"]*access_token=[^"]*)"', message.body)
            link = next(h for h in hrefs if record.access_url in h)
            response = self.url_open(link.replace("&amp;", "&"))
            self.assertEqual(response.status_code, 200)
            self.assertIn(record.access_url, response.url)
            self.assertIn(text, response.text)

    def test_mail_view_links_open_with_token(self):
        """The "View" button of a mail to the customer goes through
        /mail/view with the record's token and lands on the portal page."""
        for record, text in (
            (self.other_case, "secret problem"),
            (self.other_rma, self.other_rma.name),
        ):
            record._portal_ensure_token()
            response = self.url_open(
                f"/mail/view?model={record._name}&res_id={record.id}"
                f"&access_token={record.access_token}"
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(record.access_url, response.url)
            self.assertIn(text, response.text)
            # A token of another record does not open this one.
            response = self.url_open(
                f"{record.access_url}?access_token={self.pet.id}-{record.access_token[:-1]}"
            )
            self.assertNotIn(text, response.text)

    def test_case_create_from_portal(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        team = self.env["aftersales.team"].create({"name": "Secret VIP team"})
        intruder = new_test_user(self.env, login="intruder", groups="base.group_user")
        stage = self.env["aftersales.stage"].search([("is_closed", "=", True)], limit=1)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        data = self._new_case_data(
            # Values the form does not offer: ignored.
            team_id=team.id,
            stage_id=stage.id,
            user_id=intruder.id,
            priority="3",
            company_id=other_company.id,
            partner_id=self.other_partner.id,
            channel="phone",
        )
        response = self._post(
            "/my/cases/new",
            data,
            files=[("attachments", ("tin.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        case = self.env["aftersales.case"].search(
            [("name", "=", "Dented tin")], limit=1
        )
        self.assertTrue(case)
        self.assertEqual(case.partner_id, self.portal_partner)
        self.assertEqual(case.channel, "portal")
        self.assertNotEqual(case.team_id, team)
        self.assertFalse(case.is_closed)
        self.assertNotEqual(case.user_id, intruder)
        self.assertEqual(case.company_id, self.order.company_id)
        self.assertEqual(case.sale_order_id, self.order)
        self.assertEqual(case.product_id, self.product)
        self.assertEqual(case.pet_id, self.pet)
        # The description is text: markup typed by the customer is escaped.
        self.assertIn("&lt;b&gt;was&lt;/b&gt;", case.description)
        self.assertIn(self.portal_partner, case.message_partner_ids)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertTrue(attachment.access_token)
        self.assertTrue(
            response.headers["Location"].endswith(f"/my/cases/{case.id}?created=1")
        )
        # The customer then sees the case and its photo as a download link.
        detail = self.url_open(f"/my/cases/{case.id}")
        self.assertIn("Dented tin", detail.text)
        self.assertIn(
            f"/web/content/{attachment.id}?download=true&amp;access_token="
            f"{attachment.access_token}",
            detail.text,
        )

    def test_case_form_offers_only_own_living_pets_and_orders(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open("/my/cases/new").text
        pets = re.search(r'<select[^>]*id="pet_id".*?</select>', page, re.S).group(0)
        self.assertIn(f'value="{self.pet.id}"', pets)
        buddy = self.deceased_pet
        self.assertNotIn(f'value="{buddy.id}"', pets)
        self.assertNotIn(f'value="{self.other_pet.id}"', pets)
        self.assertIn(self.order.name, page)
        self.assertNotIn(self.other_order.name, page)
        self.assertNotIn(self.product_other.name, page)

    @mute_logger("odoo.http")
    def test_case_create_without_csrf_is_refused(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        before = self._case_count()
        response = self._post("/my/cases/new", self._new_case_data(), csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._case_count(), before)

    def test_case_create_refuses_foreign_ids(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        before = self._case_count()
        for data, message in (
            (
                self._new_case_data(sale_order_id=self.other_order.id),
                "not one of yours",
            ),
            (
                self._new_case_data(product_id=self.product_other.id),
                "not on the order you chose",
            ),
            (
                self._new_case_data(sale_order_id="", product_id=self.product_other.id),
                "not one you bought",
            ),
            (self._new_case_data(pet_id=self.other_pet.id), "not one of yours"),
            (self._new_case_data(category_id="abc"), "Invalid value"),
            (self._new_case_data(name="  "), "subject"),
            (
                self._new_case_data(
                    category_id=self.env.ref(
                        "pet_aftersales.aftersales_category_pet_health"
                    ).id,
                    pet_id="",
                ),
                "which pet",
            ),
        ):
            response = self._post("/my/cases/new", data)
            self.assertEqual(response.status_code, 400, data)
            self.assertIn(message, response.text)
        self.assertEqual(self._case_count(), before)

    def test_case_uploads_refused(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        self.env.company.aftersales_portal_upload_max_mb = 1
        before = self._case_count()
        attachments_before = self.env["ir.attachment"].search_count([])
        too_big = PNG + b"\0" * (1024 * 1024)
        for name, content, mimetype, message in (
            # An SVG with a script, named and typed as a PNG: magic bytes win.
            ("photo.png", SVG, "image/png", "not an accepted file"),
            (
                "page.html",
                b"<html><script>alert(1)</script></html>",
                "text/html",
                "not an accepted file",
            ),
            ("run.exe", b"MZ\x90\x00\x03", "image/jpeg", "not an accepted file"),
            ("big.png", too_big, "image/png", "larger than 1 MB"),
        ):
            response = self._post(
                "/my/cases/new",
                self._new_case_data(),
                files=[("attachments", (name, content, mimetype))],
            )
            self.assertEqual(response.status_code, 400, name)
            self.assertIn(message, response.text)
        self.assertEqual(self._case_count(), before)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

    def test_get_never_writes(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        before = self._case_count()
        response = self.url_open(f"/my/cases/new?name=x&category_id={self.category.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._case_count(), before)
        pet_before = self.pet.read(["name", "active"])
        self.url_open(f"/my/pets/{self.pet.id}/archive")
        self.url_open(f"/my/pets/{self.pet.id}/edit?name=Changed")
        self.pet.invalidate_recordset()
        self.assertEqual(self.pet.read(["name", "active"]), pet_before)

    # returns ---------------------------------------------------------------

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
