"""The portal customer, their pets, orders and case, for the portal tests."""

import base64
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user

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


class PortalSecurityCase(PortalFixture, HttpCase):
    """Portal routes as the portal customer of the fixture."""

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
