from odoo import fields, models


class AftersalesStage(models.Model):
    _name = "aftersales.stage"
    _description = "After-sales Case Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, index=True)
    active = fields.Boolean(default=True)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed in the kanban view.",
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Cases in this stage are considered solved or closed.",
    )
    solution_required = fields.Boolean(
        string="Requires a Solution",
        help="Cases entering this stage must have a solution; they get a "
        "call-back scheduled for their owner.",
    )
    sla_paused = fields.Boolean(
        string="SLA Paused",
        help="Waiting on the customer or a third party: time spent in this "
        "stage does not count towards the SLA deadlines, which move by the "
        "paused time when the case leaves the stage.",
    )
    team_ids = fields.Many2many(
        "aftersales.team",
        string="Teams",
        help="Teams using this stage. Leave empty to use it for all teams.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "aftersales.case")],
        help="Email sent to the customer when a case enters this stage.",
    )
    description = fields.Text(translate=True)

    def _pauses_sla(self):
        """Whether cases in this stage have their SLA clock stopped."""
        return any(stage.sla_paused and not stage.is_closed for stage in self)
