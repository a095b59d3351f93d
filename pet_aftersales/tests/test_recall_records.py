import io

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, freeze_time, tagged

from .recall_common import RecallCommon


@tagged("post_install", "-at_install")
class TestRecallRecords(RecallCommon):
    def test_report_lists_every_customer(self):
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "pet_aftersales.action_report_aftersales_recall", recall.ids
            )
        )
        html = html.decode()
        self.assertIn(recall.name, html)
        for line in recall.line_ids:
            self.assertIn(line.partner_id.name, html)
        self.assertIn(self.order_a.name, html)

    def test_progress_day_by_day(self):
        """The manager follows the recall's effectiveness per day."""
        with freeze_time("2026-05-04 09:00:00"):
            recall = self._start_recall()
            recall.with_user(self.supervisor).action_notify()
        line_a, line_b = (
            recall.line_ids.filtered(lambda line: line.partner_id == self.customer),
            recall.line_ids.filtered(lambda line: line.partner_id == self.customer_b),
        )
        with freeze_time("2026-05-05 10:00:00"):
            # what the notice's link does for customer A (portal.py checks the token)
            line_a.sudo()._portal_acknowledge(2.0)
            rma = line_a.sudo()._portal_choose("dispose")
            rma.with_user(self.supervisor).action_approve()
        with freeze_time("2026-05-07 16:00:00"):
            line_b.sudo()._portal_acknowledge(0.0)
        action = recall.with_user(self.manager).action_view_progress()
        self.assertIn("graph", action["view_mode"])
        Progress = self.env["aftersales.recall.progress"].with_user(self.manager)
        rows = Progress.search_read(
            action["domain"],
            [
                "date",
                "qty_shipped",
                "reached_count",
                "acknowledged_count",
                "qty_disposed",
                "qty_unaccounted",
            ],
            order="date",
        )
        shipped = line_a.qty_shipped + line_b.qty_shipped
        self.assertEqual(
            [
                (
                    str(r["date"]),
                    r["qty_shipped"],
                    r["reached_count"],
                    r["acknowledged_count"],
                    r["qty_disposed"],
                    r["qty_unaccounted"],
                )
                for r in rows
            ],
            [
                # traced and told on the first day: every unit is out there
                ("2026-05-04", shipped, 2, 0, 0.0, shipped),
                # A still had 2 units (the rest was eaten) and disposed of them
                ("2026-05-05", 0.0, 0, 1, 2.0, -line_a.qty_shipped),
                # B has none left
                ("2026-05-07", 0.0, 0, 1, 0.0, -line_b.qty_shipped),
            ],
        )
        # summed up to the last day, the curve ends where the recall stands
        self.assertEqual(sum(r["qty_unaccounted"] for r in rows), 0.0)
        self.assertEqual(recall.qty_unaccounted, 0.0)
        # stable ids: the same row is the same record at every read
        self.assertEqual(
            [r["id"] for r in rows], Progress.search(action["domain"], order="date").ids
        )
        # the agent of another company sees nothing of it
        other = self.env["res.company"].create({"name": "Other Pet Shop"})
        self.manager.write({"company_ids": [Command.link(other.id)]})
        self.assertFalse(
            Progress.with_company(other)
            .with_context(allowed_company_ids=other.ids)
            .search([("recall_id", "=", recall.id)])
        )

    def test_customer_list_action(self):
        recall = self._start_recall()
        action = recall.with_user(self.agent).action_view_lines()
        lines = (
            self.env["aftersales.recall.line"]
            .with_user(self.agent)
            .search(action["domain"])
        )
        self.assertEqual(lines, recall.line_ids)


@tagged("post_install", "-at_install")
class TestRecallExport(RecallCommon, HttpCase):
    def test_xlsx_lists_every_customer_for_recall_users_only(self):
        """The export a regulator asks for: every customer with quantity,
        notice date, response and disposition, in the reader's language."""
        recall = self._start_recall()
        recall.with_user(self.supervisor).action_notify()
        line = recall.line_ids.filtered(lambda r: r.partner_id == self.customer)
        line.sudo()._portal_acknowledge(1.0)
        action = recall.with_user(self.manager).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        summary = {
            row[0]: row[1] for row in workbook["Recall"].iter_rows(values_only=True)
        }
        self.assertEqual(summary["Reference"], recall.name)
        self.assertEqual(summary["Hazard"], "Critical")
        rows = list(workbook["Customers"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        for label in ("Customer", "Shipped", "Notified on", "Status"):
            self.assertIn(label, header)
        self.assertEqual(len(body), len(recall.line_ids))
        by_customer = {row[header.index("Customer")]: row for row in body}
        row = by_customer[self.customer.display_name]
        self.assertEqual(row[header.index("Shipped")], line.qty_shipped)
        self.assertTrue(row[header.index("Notified on")])
        self.assertTrue(row[header.index("Acknowledged on")])
        self.assertEqual(row[header.index("Still Held")], 1.0)
        # no access without the recall rights, whatever the link
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.assertEqual(self.url_open(action["url"]).status_code, 403)
        self.assertEqual(
            self.url_open("/pet_aftersales/recall/999999/export.xlsx").status_code, 404
        )
