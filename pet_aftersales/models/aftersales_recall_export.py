"""The recall's record as a spreadsheet (XLSX): the campaign and every
customer with quantity, notice date, response and disposition, the columns
a regulator asks for, in the reader's language and time zone."""

import io

import xlsxwriter

from odoo import fields, models

EXPORT_FIELDS = [
    "partner_id",
    "notice_partner_id",
    "product_id",
    "lot_id",
    "sale_order_id",
    "date_delivered",
    "qty_shipped",
    "notified_date",
    "reminder_count",
    "reminder_date",
    "acknowledged_date",
    "qty_remaining",
    "choice",
    "rma_id",
    "qty_returned",
    "qty_disposed",
    "state",
]
SUMMARY_FIELDS = [
    "name",
    "product_ids",
    "lot_ids",
    "hazard",
    "instruction",
    "reason",
    "date_start",
    "customer_count",
    "notified_count",
    "acknowledged_count",
    "qty_shipped",
    "qty_returned",
    "qty_disposed",
    "qty_unaccounted",
    "state",
]


class AftersalesRecall(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.recall"

    def action_export_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/pet_aftersales/recall/{self.id}/export.xlsx",
            "target": "download",
        }

    def _aftersales_export_value(self, record, fname, field_info):
        value = record[fname]
        ftype = field_info["type"]
        if ftype == "many2one":
            return value.display_name or ""
        if ftype in ("many2many", "one2many"):
            return ", ".join(value.mapped("display_name"))
        if ftype == "selection":
            return dict(field_info["selection"]).get(value, "") if value else ""
        if ftype == "datetime":
            return (
                fields.Datetime.context_timestamp(self, value).strftime(
                    "%Y-%m-%d %H:%M"
                )
                if value
                else ""
            )
        if ftype == "date":
            return fields.Date.to_string(value) if value else ""
        if ftype == "boolean":
            return bool(value)
        return value if value or value == 0 else ""

    def _aftersales_export_xlsx(self):
        """The workbook, read with the rights of the current user."""
        self.ensure_one()
        Line = self.env["aftersales.recall.line"]
        line_info = Line.fields_get(EXPORT_FIELDS, ["string", "type", "selection"])
        recall_info = self.fields_get(SUMMARY_FIELDS, ["string", "type", "selection"])
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        summary = workbook.add_worksheet(self.env._("Recall"))
        summary.set_column(0, 0, 28)
        summary.set_column(1, 1, 60)
        for row, fname in enumerate(SUMMARY_FIELDS):
            summary.write(row, 0, recall_info[fname]["string"], bold)
            summary.write(
                row, 1, self._aftersales_export_value(self, fname, recall_info[fname])
            )
        sheet = workbook.add_worksheet(self.env._("Customers"))
        for col, fname in enumerate(EXPORT_FIELDS):
            sheet.write(0, col, line_info[fname]["string"], bold)
            sheet.set_column(col, col, 18)
        lines = Line.search([("recall_id", "=", self.id)], order="partner_id, id")
        for row, line in enumerate(lines, 1):
            for col, fname in enumerate(EXPORT_FIELDS):
                sheet.write(
                    row,
                    col,
                    self._aftersales_export_value(line, fname, line_info[fname]),
                )
        sheet.freeze_panes(1, 0)
        workbook.close()
        return output.getvalue()
