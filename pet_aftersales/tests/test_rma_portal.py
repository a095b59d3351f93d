import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .portal_common import PORTAL_LOGIN, PortalFixture
from .rma_common import RmaCommon


@freeze_time("2026-03-04 10:00:00")
class TestRmaPortalApi(RmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Chen Mei (home)", "parent_id": cls.customer.id}
        )
        cls.stranger = cls.env["res.partner"].create({"name": "Wang Wei"})
        cls.line = cls.order.order_line

    def _lines(self, qty=1.0, lot=None, sale_line=None, packaging=True):
        return [
            {
                "sale_line_id": (sale_line or self.line).id,
                "quantity": qty,
                "lot_id": lot.id if lot else False,
                "original_packaging": packaging,
            }
        ]

    def _create(self, partner=None, order=None, lines=None):
        return self.env["aftersales.rma"]._portal_create(
            partner or self.contact,
            order or self.order,
            lines if lines is not None else self._lines(),
            self.reason_no_reason,
        )

    def test_portal_create_submits_the_request(self):
        photo = self.env["ir.attachment"].create({"name": "bag.jpg", "raw": b"jpeg"})
        rma = self.env["aftersales.rma"]._portal_create(
            self.contact,
            self.order,
            self._lines(qty=2.0, lot=self.lot_a),
            self.reason_quality,
            return_method="pickup",
            description="The bag is torn.",
            attachment_ids=photo.ids,
        )
        self.assertEqual(rma.state, "submitted")
        self.assertEqual(rma.channel, "portal")
        self.assertEqual(rma.return_method, "pickup")
        self.assertEqual(rma.line_ids.lot_id, self.lot_a)
        self.assertEqual(rma.line_ids.quantity, 2.0)
        self.assertEqual((photo.res_model, photo.res_id), (rma._name, rma.id))
        self.assertTrue(rma.policy_ok, rma.policy_message)
        self.assertIn(self.contact, rma.message_partner_ids)

    def test_portal_policy_preview_writes_nothing(self):
        count = self.env["aftersales.rma"].search_count([])
        ok, message = self.env["aftersales.rma"]._portal_policy_preview(
            self.contact,
            self.order,
            self._lines(packaging=False),
            self.reason_no_reason,
        )
        self.assertFalse(ok)
        self.assertIn("original, intact packaging", message)
        ok, message = self.env["aftersales.rma"]._portal_policy_preview(
            self.contact, self.order, self._lines(), self.reason_no_reason
        )
        self.assertTrue(ok, message)
        with freeze_time("2026-03-12 10:00:00"):
            ok, message = self.env["aftersales.rma"]._portal_policy_preview(
                self.contact, self.order, self._lines(), self.reason_no_reason
            )
        self.assertFalse(ok)
        self.assertIn("return period ended", message)
        ok, message = self.env["aftersales.rma"]._portal_policy_preview(
            self.stranger, self.order, self._lines(), self.reason_no_reason
        )
        self.assertFalse(ok)
        self.assertIn("does not belong to you", message)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), count)

    def test_refuses_foreign_order(self):
        with self.assertRaises(UserError) as error:
            self._create(partner=self.stranger)
        self.assertIn("does not belong to you", str(error.exception))

    def test_refuses_foreign_sale_line(self):
        other = self._deliver_order(self.stranger, self.product, 1.0, invoice=False)
        with self.assertRaises(UserError) as error:
            self._create(lines=self._lines(sale_line=other.order_line))
        self.assertIn("must come from order", str(error.exception))

    def test_refuses_excessive_and_negative_quantities(self):
        with self.assertRaises(UserError) as error:
            self._create(lines=self._lines(qty=6.0))
        self.assertIn("at most 5.0", str(error.exception))
        with self.assertRaises(UserError) as error:
            self._create(lines=self._lines(qty=-1.0))
        self.assertIn("must be positive", str(error.exception))
        with self.assertRaises(UserError):
            self._create(lines=self._lines(qty=0.0))
        # two lines adding up over the delivered quantity
        with self.assertRaises(UserError):
            self._create(lines=self._lines(qty=3.0) + self._lines(qty=3.0))
        # already asked back in another request
        self._create(lines=self._lines(qty=4.0))
        with self.assertRaises(UserError) as error:
            self._create(lines=self._lines(qty=2.0))
        self.assertIn("at most 1.0", str(error.exception))

    def test_refuses_undelivered_order(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1.0})
                ],
            }
        )
        order.action_confirm()
        with self.assertRaises(UserError) as error:
            self._create(order=order, lines=self._lines(sale_line=order.order_line))
        self.assertIn("has not been delivered yet", str(error.exception))

    def test_refuses_lot_not_delivered_on_the_line(self):
        with self.assertRaises(UserError) as error:
            self._create(lines=self._lines(lot=self.lot_other))
        self.assertIn("LOT-OTHER was not delivered", str(error.exception))

    def test_refuses_missing_lines(self):
        with self.assertRaises(UserError):
            self._create(lines=[])


@tagged("post_install", "-at_install")
class TestRmaPortalOwner(PortalFixture, HttpCase):
    """A return sent from the portal goes to a person of the team, by the
    team's assignment method, never to OdooBot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()
        cls.reason = cls.env.ref("pet_aftersales.aftersales_return_reason_no_reason")
        cls.agents = cls.env["res.users"]
        for login in ("rr_agent_1", "rr_agent_2"):
            cls.agents |= new_test_user(
                cls.env,
                login=login,
                name=login,
                groups="pet_aftersales.pet_aftersales_group_agent",
            )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "Returns Desk",
                "company_id": cls.order.company_id.id,
                "assignment_method": "round_robin",
                "member_ids": [Command.set(cls.agents.ids)],
            }
        )
        cls.order.company_id.aftersales_default_team_id = cls.team
        # the order itself was taken by OdooBot (e.g. a website order)
        cls.order.user_id = cls.env.ref("base.user_root")

    def _portal_return(self):
        url = f"/my/orders/{self.order.id}/return"
        form = self.url_open(url)
        self.assertEqual(form.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        line = self.order.order_line
        response = self.url_open(
            url,
            data={
                "csrf_token": csrf,
                f"qty_{line.id}": "1",
                f"packaging_{line.id}": "on",
                "reason_id": self.reason.id,
                "return_method": "ship",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[-1500:])
        return self.env["aftersales.rma"].search(
            [("sale_order_id", "=", self.order.id)], order="id desc", limit=1
        )

    def test_portal_return_goes_to_an_agent_of_the_team(self):
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        first = self._portal_return()
        second = self._portal_return()
        self.assertIn(first.user_id, self.agents)
        self.assertIn(second.user_id, self.agents)
        self.assertNotEqual(first.user_id, second.user_id, "round robin")
        for rma in first | second:
            self.assertNotEqual(rma.user_id, self.env.ref("base.user_root"))
            self.assertFalse(rma.user_id.share)

    def test_manual_team_gives_it_to_the_team_leader(self):
        self.team.write({"assignment_method": "manual", "user_id": self.agents[1].id})
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        self.assertEqual(self._portal_return().user_id, self.agents[1])
