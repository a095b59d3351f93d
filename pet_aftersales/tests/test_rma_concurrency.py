import psycopg2

from odoo import Command
from odoo.tools import SQL, mute_logger

from .common import AftersalesCommon


class TestRmaConcurrency(AftersalesCommon):
    def test_quantity_check_locks_the_sale_line(self):
        """A second transaction asking for the same sale line must wait for
        the first one (the demo order is committed, so both can see it)."""
        order = self.env["sale.order"].search(
            [("client_order_ref", "=", "DEMO-RETURNS")], limit=1
        )
        sale_line = order.order_line.filtered(
            lambda line: line.product_id.tracking == "lot"
        )
        self.assertTrue(sale_line, "the demo order with returns is installed")
        self.env["aftersales.rma"].create(
            {
                "partner_id": order.partner_id.id,
                "sale_order_id": order.id,
                "reason_id": self.env.ref(
                    "pet_aftersales.aftersales_return_reason_quality"
                ).id,
                "line_ids": [
                    Command.create({"sale_line_id": sale_line.id, "quantity": 1})
                ],
            }
        )
        with self.env.registry.cursor() as other_cr, mute_logger("odoo.sql_db"):
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                other_cr.execute(
                    SQL(
                        "SELECT id FROM sale_order_line WHERE id = %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        sale_line.id,
                    )
                )
            other_cr.rollback()
