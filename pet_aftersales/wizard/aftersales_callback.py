from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.aftersales_feedback_mixin import RATINGS


class AftersalesCallback(models.TransientModel):
    """Record what the customer said on the satisfaction call-back."""

    _name = "aftersales.callback"
    _description = "After-sales Satisfaction Call-back"

    case_id = fields.Many2one("aftersales.case")
    rma_id = fields.Many2one("aftersales.rma", string="Return")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_partner_id"
    )
    partner_phone = fields.Char(string="Phone", compute="_compute_partner_id")
    outcome = fields.Selection(
        [("satisfied", "Satisfied"), ("not_satisfied", "Not Satisfied")],
        required=True,
        default="satisfied",
        help="Not satisfied sends the case back to second handling.",
    )
    csat_speed = fields.Selection(RATINGS, string="Response Speed")
    csat_solution = fields.Selection(RATINGS, string="Solution")
    csat_attitude = fields.Selection(RATINGS, string="Service Attitude")
    csat_quality = fields.Selection(RATINGS, string="Product Quality")
    csat_logistics = fields.Selection(RATINGS, string="Logistics Speed")
    note = fields.Text(string="Call Notes")

    @api.depends("case_id", "rma_id")
    def _compute_partner_id(self):
        for wizard in self:
            partner = (wizard.case_id or wizard.rma_id).partner_id
            wizard.partner_id = partner
            wizard.partner_phone = (
                wizard.case_id.partner_phone or partner.phone or partner.mobile
            )

    def _record(self):
        self.ensure_one()
        record = self.case_id or self.rma_id
        if not record:
            raise UserError(self.env._("Choose the case or return you called about."))
        record.check_access("write")
        return record

    def action_confirm(self):
        self.ensure_one()
        record = self._record()
        if record.feedback_state == "done":
            raise UserError(
                self.env._(
                    "The feedback on %(record)s was already recorded.",
                    record=record.display_name,
                )
            )
        ratings = {
            "speed": self.csat_speed,
            "solution": self.csat_solution,
            "attitude": self.csat_attitude,
            "quality": self.csat_quality,
            "logistics": self.csat_logistics,
        }
        if not any(ratings.values()):
            raise UserError(self.env._("Give at least one rating from the call."))
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[
            self.outcome
        ]
        record._aftersales_callback_activities().action_feedback(
            feedback=self.env._("Call-back done: %(outcome)s", outcome=outcome)
        )
        record.write({"callback_done": True})
        record._aftersales_apply_feedback_scores(
            ratings,
            channel="callback",
            comment=self.note,
            unhappy=self.outcome == "not_satisfied",
        )
        record.message_post(
            body=self.env._(
                "Satisfaction call-back: %(outcome)s, score %(score)s/100.",
                outcome=outcome,
                score=round(record.csat_score),
            ),
            subtype_xmlid="mail.mt_note",
        )
        # the reward is granted by the system, whoever makes the call
        record.sudo()._aftersales_grant_feedback_points()
        return {"type": "ir.actions.act_window_close"}
