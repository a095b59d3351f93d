import re

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .portal_common import PNG, PORTAL_LOGIN, SVG, PortalSecurityCase


@tagged("post_install", "-at_install")
class TestPortalSecurity(PortalSecurityCase):
    """Cases, counters, mail links and uploads: only the customer's own."""

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
