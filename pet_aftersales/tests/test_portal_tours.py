from odoo.tests import HttpCase, tagged

from .portal_common import PORTAL_LOGIN, PortalFixture


@tagged("post_install", "-at_install")
class TestPortalTours(PortalFixture, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()

    def test_demo_order_offers_a_return(self):
        """The demo customer has a delivered order to try returns on."""
        order = self.env.ref("pet_aftersales.sale_order_portal_delivered_demo")
        self.assertEqual(order.partner_id, self.env.ref("base.partner_demo_portal"))
        self.assertEqual(order.order_line.mapped("qty_delivered"), [3.0, 2.0])
        self.assertEqual(
            sorted(order._aftersales_returnable_quantities().values()), [2.0, 3.0]
        )

    def test_tour_open_case_with_photo(self):
        """The portal customer opens a case with a photo in Chromium."""
        self.start_tour("/my", "pet_aftersales_portal_case", login=PORTAL_LOGIN)
        case = self.env["aftersales.case"].search(
            [("name", "=", "Bag of cat litter arrived wet")]
        )
        self.assertEqual(len(case), 1)
        self.assertEqual(case.partner_id, self.portal_partner)
        self.assertEqual(case.channel, "portal")
        self.assertEqual(case.pet_id, self.pet)
        self.assertEqual(
            case.category_id,
            self.env.ref("pet_aftersales.aftersales_category_delivery"),
        )
        photo = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(photo.name, "wet_box.png")
        self.assertEqual(photo.mimetype, "image/png")

    def test_tour_add_pet(self):
        """The portal customer adds a pet with a photo."""
        self.start_tour("/my", "pet_aftersales_portal_pet", login=PORTAL_LOGIN)
        pet = self.env["pet.profile"].search([("name", "=", "Nuomi")])
        self.assertEqual(pet.partner_id, self.portal_partner)
        self.assertEqual(pet.species, "cat")
        self.assertEqual(pet.breed, "Ragdoll")
        self.assertEqual(pet.allergies, "Fish")
        self.assertTrue(pet.image_128)

    def test_tour_request_return(self):
        """From My Orders, the portal customer asks to return one unit of a
        delivered order with a photo, gets the policy's answer at once and
        sees the status of the return."""
        self.start_tour(
            self.order.get_portal_url(),
            "pet_aftersales_portal_return",
            login=PORTAL_LOGIN,
        )
        rma = self.env["aftersales.rma"].search([("sale_order_id", "=", self.order.id)])
        self.assertEqual(len(rma), 1)
        self.assertEqual(rma.partner_id, self.portal_partner)
        self.assertNotIn(rma.state, ("draft", "cancelled"))
        self.assertEqual(rma.line_ids.sale_line_id, self.order.order_line)
        self.assertEqual(rma.line_ids.quantity, 1)
        self.assertTrue(rma.policy_message)
        evidence = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.rma"), ("res_id", "=", rma.id)]
        )
        self.assertEqual(evidence.name, "evidence.png")
