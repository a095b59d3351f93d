"""Second handling: each finished round of a case is kept, and the case is
solved, reopened and called back here."""

from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_feedback_mixin import FEEDBACK_CHANNELS


class AftersalesCaseRound(models.Model):
    """One finished handling round of a case (second handling, 二次处理).

    Written by the system when a solved case is reopened: what was offered,
    whether the customer confirmed it, the feedback of that round and why
    the case was reopened. Read-only history.
    """

    _name = "aftersales.case.round"
    _description = "After-sales Case Handling Round"
    _order = "case_id, number"

    case_id = fields.Many2one(
        "aftersales.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    number = fields.Integer(string="Round", required=True)
    date_start = fields.Datetime(string="Started on")
    date_end = fields.Datetime(string="Solved on")
    date_reopened = fields.Datetime(string="Reopened on")
    user_id = fields.Many2one("res.users", string="Handled by")
    solution = fields.Selection(
        selection=lambda self: self.env["aftersales.case"]
        ._fields["solution"]
        ._description_selection(self.env)
    )
    solution_confirmed_date = fields.Datetime(string="Solution Confirmed on")
    feedback_state = fields.Selection(
        selection=lambda self: self.env["aftersales.case"]
        ._fields["feedback_state"]
        ._description_selection(self.env),
        string="Feedback",
    )
    feedback_channel = fields.Selection(FEEDBACK_CHANNELS)
    feedback_date = fields.Datetime(string="Feedback Received on")
    csat_score = fields.Float(string="Satisfaction Score", aggregator="avg")
    feedback_comment = fields.Text(string="Customer Comment")
    survey_user_input_id = fields.Many2one("survey.user_input", string="Survey Answer")
    callback_done = fields.Boolean(string="Call-back Done")
    reopen_reason = fields.Char(string="Reopened because")


class AftersalesCase(models.Model):
    """Solving, reopening (second handling) and the call-back of a case."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.case"

    # Follow-up
    reopen_count = fields.Integer(copy=False, readonly=True)

    handling_round = fields.Integer(
        compute="_compute_handling_round",
        help="1 for the first handling, 2 once the case was reopened, ...",
    )

    round_ids = fields.One2many(
        "aftersales.case.round",
        "case_id",
        string="Handling Rounds",
        readonly=True,
        help="The finished rounds of the case: solution, confirmation and "
        "feedback of each, and why it was reopened.",
    )

    @api.depends("reopen_count")
    def _compute_handling_round(self):
        for case in self:
            case.handling_round = case.reopen_count + 1

    def _on_resolved(self):
        """Cases that just entered a closed stage."""
        now = fields.Datetime.now()
        self.filtered(lambda c: not c.resolved_date).write({"resolved_date": now})
        solved = self.filtered(lambda c: c.stage_id.solution_required)
        again = solved.filtered("reopen_count")
        if again:
            # the "Customer not satisfied" to-do of the round is done once
            # the case is solved again, and the feedback of an earlier round
            # (kept in its round record) makes way for a new one
            again._aftersales_second_handling_activities().action_feedback(
                feedback=self.env._("Case solved again.")
            )
            again.filtered(
                lambda c: c.feedback_state != "none"
                and (c.feedback_date or c.survey_sent_date or datetime.min)
                <= c.sla_start_date
            ).write(
                {
                    "feedback_state": "none",
                    "feedback_skip_reason": False,
                    "feedback_channel": False,
                    "survey_user_input_id": False,
                    "survey_sent_date": False,
                    "survey_reminder_date": False,
                }
            )
        solved._aftersales_plan_callback()
        # The survey (or the call-back of key customers) follows every solved
        # case, whether closed by the button or dragged to the stage.
        solved._aftersales_request_feedback()

    def _on_reopened(self):
        """Cases that went back from a closed to an open stage: second handling.

        The finished round is kept as an ``aftersales.case.round`` (its
        solution, confirmation, feedback and the reason of the reopening) and
        the new round starts clean: the customer confirms the solution again
        and is asked for feedback again when the case is solved again (the
        last feedback stays on the case, and in the analysis, until then).
        The first response stays: the customer got it in the first round.
        """
        now = fields.Datetime.now()
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_callback", raise_if_not_found=False
        )
        if activity_type:
            self.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).unlink()
        self._archive_handling_round(now)
        for case in self:
            case.write(
                {
                    "reopen_count": case.reopen_count + 1,
                    "resolved_date": False,
                    "solution_confirmed_date": False,
                    "sla_start_date": now,
                    "sla_warning_sent": False,
                    "sla_breach_sent": False,
                    "sla_paused_since": False,
                    "sla_paused_hours": 0.0,
                    "sla_response_paused_hours": 0.0,
                    "callback_date": False,
                    "callback_done": False,
                }
            )

    def _archive_handling_round(self, now):
        """Record the round that ends with this reopening, and say so."""
        reason = self.env.context.get("aftersales_reopen_reason") or self.env._(
            "Reopened by %(user)s", user=self.env.user.name
        )
        rounds = (
            self.env["aftersales.case.round"]
            .sudo()
            .create(
                [
                    {
                        "case_id": case.id,
                        "number": case.reopen_count + 1,
                        "date_start": case.sla_start_date,
                        "date_end": case.resolved_date,
                        "date_reopened": now,
                        "user_id": case.user_id.id,
                        "solution": case.solution,
                        "solution_confirmed_date": case.solution_confirmed_date,
                        "feedback_state": case.feedback_state,
                        "feedback_channel": case.feedback_channel,
                        "feedback_date": case.feedback_date,
                        "csat_score": case.csat_score,
                        "feedback_comment": case.feedback_comment,
                        "survey_user_input_id": case.survey_user_input_id.id,
                        "callback_done": case.callback_done,
                        "reopen_reason": reason,
                    }
                    for case in self
                ]
            )
        )
        for case, round_ in zip(self, rounds, strict=True):
            case.message_post(
                body=self.env._(
                    "Round %(number)s ended: %(reason)s. Round %(next)s starts.",
                    number=round_.number,
                    reason=reason,
                    next=round_.number + 1,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return rounds

    def _aftersales_callback_calendar(self):
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id or super()._aftersales_callback_calendar()
        )

    def action_reopen(self):
        """Second handling: back to the team's first open stage."""
        open_cases = self.filtered(lambda c: not c.is_closed)
        if open_cases:
            raise UserError(
                self.env._(
                    "Only closed cases can be reopened (%(case)s is open).",
                    case=open_cases[0].display_name,
                )
            )
        for case in self:
            stage = case._get_open_stage()
            if not stage:
                raise UserError(
                    self.env._("No open stage is configured for this team.")
                )
            case.write({"stage_id": stage.id})
        return True

    def action_confirm_solution(self):
        """The customer agreed to the solution (客户确认)."""
        missing = self.filtered(lambda c: c.solution == "none")
        if missing:
            raise UserError(
                self.env._(
                    "Case %(case)s has no solution to confirm yet.",
                    case=missing[0].display_name,
                )
            )
        self.filtered(lambda c: not c.solution_confirmed_date).write(
            {"solution_confirmed_date": fields.Datetime.now()}
        )
        return True
