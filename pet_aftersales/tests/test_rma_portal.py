from odoo.exceptions import UserError
from odoo.tests import freeze_time

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
