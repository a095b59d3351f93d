import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytz

from odoo.tests import HttpCase, tagged

from .portal_common import PORTAL_LOGIN, PortalFixture


@tagged("post_install", "-at_install")
class TestPortalPolish(PortalFixture, HttpCase):
    """What the customer sees around the documents: tiles, breadcrumbs and
    why a link is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()

    def test_every_tile_has_its_own_icon(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open("/my").text
        icons = re.findall(r'<img[^>]+src="([^"]+\.svg)"', page)
        ours = [url for url in icons if url.startswith("/pet_aftersales/")]
        # one icon per tile of ours, none shared with another tile
        self.assertEqual(len(ours), 3, icons)
        for icon in ours:
            self.assertEqual(icons.count(icon), 1, icons)
        for icon in set(icons):
            self.assertEqual(self.url_open(icon).status_code, 200, icon)

    def test_return_form_has_one_breadcrumb(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        page = self.url_open(f"/my/orders/{self.order.id}/return").text
        crumbs = re.search(
            r'<ol class="[^"]*o_portal_submenu[^"]*".*?</ol>', page, re.S
        )
        text = crumbs.group(0)
        self.assertEqual(text.count("Sales Orders"), 1, text)
        self.assertEqual(text.count(self.order.name), 1, text)
        self.assertIn("Request a Return", text)

    def test_foreign_link_says_why(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        response = self.url_open(f"/my/cases/{self.other_case.id}")
        self.assertTrue(response.url.endswith("/my"))
        self.assertIn("o_aftersales_refused", response.text)
        # said once
        self.assertNotIn("o_aftersales_refused", self.url_open("/my").text)

    def test_anonymous_link_logs_in_and_comes_back(self):
        url = f"/my/cases/{self.other_case.id}"
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/web/login")
        self.assertEqual(parse_qs(location.query)["redirect"], [url])

    def _post(self, url, data):
        page = self.url_open(url).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(
            url, data={**data, "csrf_token": token}, allow_redirects=False
        )

    def test_return_form_refund_or_exchange_and_pickup_slot(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        url = f"/my/orders/{self.order.id}/return"
        form = self.url_open(url).text
        self.assertIn('name="resolution"', form)
        self.assertIn('name="pickup_date"', form)
        data = {
            f"qty_{self.order.order_line.id}": "1",
            "reason_id": self.reason.id,
            "return_method": "pickup",
            "resolution": "exchange",
        }
        for bad in (
            {"resolution": "cash"},
            {"pickup_date": "2001-01-01T10:00"},
            {"pickup_date": "tomorrow"},
        ):
            response = self._post(url, {**data, **bad})
            self.assertEqual(response.status_code, 400, bad)
        slot = datetime.now() + timedelta(days=3)
        response = self._post(
            url, {**data, "pickup_date": slot.strftime("%Y-%m-%dT%H:%M")}
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        rma = self.env["aftersales.rma"].search(
            [("partner_id", "=", self.portal_partner.id)], order="id desc", limit=1
        )
        self.assertEqual(rma.resolution, "exchange")
        self.assertEqual(rma.return_method, "pickup")
        tz = pytz.timezone(self.portal_user.tz or "UTC")
        expected = (
            tz.localize(slot.replace(second=0, microsecond=0))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        self.assertEqual(rma.pickup_date, expected)
