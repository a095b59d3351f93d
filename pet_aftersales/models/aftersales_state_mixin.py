from odoo import models
from odoo.exceptions import UserError


class AftersalesStateMixin(models.AbstractModel):
    """Documents whose buttons only apply in some states (returns, recalls)."""

    _name = "aftersales.state.mixin"
    _description = "After-sales Document States"

    def _check_state(self, allowed):
        """Refuse the action, naming the documents not in one of ``allowed``."""
        wrong = self.filtered(lambda record: record.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "This action is only possible on a %(document)s in state "
                    "%(states)s: %(names)s",
                    document=self.env["ir.model"].sudo()._get(self._name).name,
                    states=", ".join(labels[state] for state in allowed),
                    names=", ".join(wrong.mapped("display_name")),
                )
            )
