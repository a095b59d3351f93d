from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .aftersales_case import PET_HEALTH_CODE


class AftersalesCase(models.Model):
    """The clinical side of a pet-health case: symptoms, the vet, the claim for
    the vet's costs and the report to the authority."""

    _inherit = "aftersales.case"

    symptom_ids = fields.Many2many("aftersales.symptom", tracking=True)
    symptom_note = fields.Text(string="Symptom Details")
    symptom_onset_date = fields.Date(string="Symptoms Since", tracking=True)
    vet_visit_date = fields.Date(string="Vet Visit", tracking=True)
    vet_clinic_id = fields.Many2one(
        "res.partner", string="Veterinary Clinic", tracking=True
    )
    vet_report_ids = fields.Many2many(
        "ir.attachment",
        "aftersales_case_vet_report_rel",
        "case_id",
        "attachment_id",
        help="The veterinarian's report, as the customer sent it.",
    )
    vet_claim_currency_id = fields.Many2one(related="company_id.currency_id")
    vet_claim_amount = fields.Monetary(
        string="Vet Costs Claimed",
        currency_field="vet_claim_currency_id",
        tracking=True,
    )
    vet_claim_state = fields.Selection(
        [
            ("none", "No Claim"),
            ("claimed", "To Decide"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("paid", "Paid"),
        ],
        string="Vet Cost Claim",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    vet_claim_payment = fields.Selection(
        [
            ("credit_note", "Credit Note to the Customer"),
            ("vendor_bill", "Vendor Bill of the Clinic"),
        ],
        string="Paid Through",
        default="credit_note",
    )
    vet_claim_move_id = fields.Many2one(
        "account.move", string="Vet Cost Payment", copy=False, readonly=True
    )
    authority_reported = fields.Boolean(
        string="Reported to the Authority",
        tracking=True,
        help="The incident was reported to the food-safety or veterinary authority.",
    )
    authority_report_date = fields.Date(string="Report Date", tracking=True)
    authority_report_ref = fields.Char(string="Report Reference", tracking=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (vals.get("vet_claim_amount") or 0) > 0:
                vals.setdefault("vet_claim_state", "claimed")
        return super().create(vals_list)

    def write(self, vals):
        """A claimed amount puts the claim up for decision, until decided."""
        if "vet_claim_amount" not in vals or "vet_claim_state" in vals:
            return super().write(vals)
        undecided = self.filtered(
            lambda case: case.vet_claim_state in ("none", "claimed")
        )
        res = super().write(vals)
        if undecided:
            state = "claimed" if (vals["vet_claim_amount"] or 0) > 0 else "none"
            super(AftersalesCase, undecided).write({"vet_claim_state": state})
        return res

    @api.constrains(
        "symptom_onset_date",
        "vet_visit_date",
        "vet_claim_amount",
        "authority_reported",
        "authority_report_date",
    )
    def _check_health_record(self):
        today = fields.Date.context_today(self)
        for case in self:
            for date in (case.symptom_onset_date, case.vet_visit_date):
                if date and date > today:
                    raise ValidationError(
                        self.env._(
                            "Case %(case)s: the symptoms and the vet visit cannot "
                            "be in the future.",
                            case=case.name,
                        )
                    )
            if (
                case.symptom_onset_date
                and case.vet_visit_date
                and case.vet_visit_date < case.symptom_onset_date
            ):
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the vet visit cannot be before the "
                        "symptoms started.",
                        case=case.name,
                    )
                )
            if case.vet_claim_amount < 0:
                raise ValidationError(
                    self.env._("The vet costs claimed cannot be negative.")
                )
            if case.authority_reported and not case.authority_report_date:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: give the date the incident was reported "
                        "to the authority.",
                        case=case.name,
                    )
                )

    def _aftersales_check_claim_decider(self):
        if not self.env.user.has_group(
            "pet_aftersales.pet_aftersales_group_supervisor"
        ):
            raise UserError(
                self.env._("Only a supervisor or a manager decides on vet cost claims.")
            )

    def action_vet_claim_approve(self):
        self._aftersales_check_claim_decider()
        todo = self.filtered(lambda case: case.vet_claim_state == "claimed")
        todo.write({"vet_claim_state": "approved"})
        return True

    def action_vet_claim_reject(self):
        self._aftersales_check_claim_decider()
        todo = self.filtered(lambda case: case.vet_claim_state == "claimed")
        todo.write({"vet_claim_state": "rejected"})
        return True

    def action_vet_claim_pay(self):
        """Pay an approved claim: a credit note to the customer or a vendor bill
        of the clinic, posted or left as a draft as the company's refund
        setting says."""
        self._aftersales_check_claim_decider()
        for case in self:
            if case.vet_claim_state == "paid":
                continue
            if case.vet_claim_state != "approved":
                raise UserError(
                    self.env._(
                        "Approve the vet cost claim of %(case)s first.", case=case.name
                    )
                )
            if case.vet_claim_payment == "vendor_bill" and not case.vet_clinic_id:
                raise UserError(
                    self.env._(
                        "Record the veterinary clinic of %(case)s to pay it by a "
                        "vendor bill.",
                        case=case.name,
                    )
                )
            # checked above: after-sales supervisors have no Invoicing rights,
            # the move is made for them on this one case
            case_sudo = case.sudo().with_company(case.company_id)
            move = case_sudo.env["account.move"].create(
                case_sudo._prepare_vet_claim_move_vals()
            )
            if case.company_id.aftersales_rma_post_refund:
                move.action_post()
            case_sudo.write({"vet_claim_move_id": move.id, "vet_claim_state": "paid"})
            case.message_post(
                body=self.env._(
                    "Vet costs of %(amount)s paid through %(move)s.",
                    amount=format_amount(
                        self.env, case.vet_claim_amount, case.vet_claim_currency_id
                    ),
                    move=move.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _prepare_vet_claim_move_vals(self):
        self.ensure_one()
        vendor = self.vet_claim_payment == "vendor_bill"
        label = self.env._(
            "Veterinary costs of %(pet)s (%(case)s)",
            pet=self.pet_id.name or "-",
            case=self.name,
        )
        return {
            "move_type": "in_invoice" if vendor else "out_refund",
            "partner_id": (
                self.vet_clinic_id if vendor else self.partner_id.commercial_partner_id
            ).id,
            "invoice_origin": self.name,
            "ref": label,
            "invoice_date": fields.Date.context_today(self),
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "name": label,
                        "quantity": 1,
                        "price_unit": self.vet_claim_amount,
                        "tax_ids": [],
                    }
                )
            ],
        }

    def action_view_vet_claim_move(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
            if self.vet_claim_payment == "credit_note"
            else "account.action_move_in_invoice_type"
        )
        action.update({"res_id": self.vet_claim_move_id.id, "views": [(False, "form")]})
        return action

    @api.constrains(
        "category_id", "pet_id", "product_id", "lot_id", "priority", "stage_id"
    )
    def _check_pet_health(self):
        """A pet health case opens at once with what the caller knows; the
        pet, the product and its lot are needed to solve it, not to open it."""
        for case in self.filtered(lambda c: c.category_id.code == PET_HEALTH_CODE):
            missing = []
            if case.stage_id.solution_required:
                if not case.pet_id:
                    missing.append(self.env._("the pet"))
                if not case.product_id:
                    missing.append(self.env._("the product"))
                elif case.product_id.tracking != "none" and not case.lot_id:
                    missing.append(self.env._("the lot/serial number"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "Record %(fields)s before solving pet health case %(case)s.",
                        case=case.name,
                        fields=", ".join(missing),
                    )
                )
            if case.priority != "3":
                raise ValidationError(
                    self.env._(
                        "Pet health case %(case)s is always urgent.", case=case.name
                    )
                )
