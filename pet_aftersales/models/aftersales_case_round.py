"""What a case keeps of its handling: the checklist steps ticked off by the
agent and each finished round of second handling."""

from odoo import fields, models


class AftersalesCaseChecklistItem(models.Model):
    """One standard operating step of a case, ticked off by the agent."""

    _name = "aftersales.case.checklist.item"
    _description = "After-sales Case Checklist Step"
    _order = "case_id, sequence, id"

    case_id = fields.Many2one(
        "aftersales.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Step", required=True)
    done = fields.Boolean()
    done_user_id = fields.Many2one("res.users", string="Done by", readonly=True)
    done_date = fields.Datetime(string="Done on", readonly=True)

    def write(self, vals):
        if "done" in vals:
            vals = dict(vals)
            if vals["done"]:
                vals.update(done_user_id=self.env.uid, done_date=fields.Datetime.now())
            else:
                vals.update(done_user_id=False, done_date=False)
        return super().write(vals)


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
    feedback_channel = fields.Selection(
        [("survey", "Survey"), ("callback", "Phone Call-back")]
    )
    feedback_date = fields.Datetime(string="Feedback Received on")
    csat_score = fields.Float(string="Satisfaction Score", aggregator="avg")
    feedback_comment = fields.Text(string="Customer Comment")
    survey_user_input_id = fields.Many2one("survey.user_input", string="Survey Answer")
    callback_done = fields.Boolean(string="Call-back Done")
    reopen_reason = fields.Char(string="Reopened because")
