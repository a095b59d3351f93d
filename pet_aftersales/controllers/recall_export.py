from odoo import http
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RecallExport(http.Controller):
    """The recall's record as a spreadsheet, for the authority."""

    @http.route(
        "/pet_aftersales/recall/<int:recall_id>/export.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def recall_export_xlsx(self, recall_id, **kwargs):
        recall = request.env["aftersales.recall"].browse(recall_id).exists()
        if not recall:
            raise request.not_found()
        # as the user: an AccessError (another company, no recall rights) is
        # answered 403 by Odoo
        recall.check_access("read")
        return request.make_response(
            recall._aftersales_export_xlsx(),
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(f"{recall.name}.xlsx")),
            ],
        )
