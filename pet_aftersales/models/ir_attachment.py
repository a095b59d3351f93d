from odoo import api, models

RMA_MODEL = "aftersales.rma"


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _aftersales_evidence_rmas(self):
        """Returns these attachments are evidence of."""
        ids = {
            att.res_id
            for att in self.sudo()
            if att.res_model == RMA_MODEL and att.res_id
        }
        return self.env[RMA_MODEL].browse(ids)

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        if any(vals.get("res_model") == RMA_MODEL for vals in vals_list):
            attachments._aftersales_evidence_rmas()._refresh_evidence()
        return attachments

    def write(self, vals):
        if "res_model" not in vals and "res_id" not in vals:
            return super().write(vals)
        # message_post moves uploaded files onto the record this way
        before = self._aftersales_evidence_rmas()
        res = super().write(vals)
        (before | self._aftersales_evidence_rmas())._refresh_evidence()
        return res

    def unlink(self):
        rmas = self._aftersales_evidence_rmas()
        res = super().unlink()
        rmas._refresh_evidence()
        return res
