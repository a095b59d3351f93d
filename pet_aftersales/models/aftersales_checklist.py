"""Checklists: the standard operating steps of a category, copied onto each
of its cases and ticked off there by the agent."""

from markupsafe import Markup

from odoo import api, fields, models


class AftersalesCategoryStep(models.Model):
    """One standard operating step of a category (the template)."""

    _name = "aftersales.category.step"
    _description = "After-sales Category Standard Step"
    _order = "category_id, sequence, id"

    category_id = fields.Many2one(
        "aftersales.category", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Step", required=True, translate=True)


class AftersalesCaseChecklistItem(models.Model):
    """One standard operating step of a case, ticked off by the agent."""

    _name = "aftersales.case.checklist.item"
    _description = "After-sales Case Checklist Step"
    _order = "case_id, sequence, id"

    case_id = fields.Many2one(
        "aftersales.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="case_id.company_id", store=True, precompute=True
    )
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


class AftersalesCategory(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.category"

    checklist_step_ids = fields.One2many(
        "aftersales.category.step",
        "category_id",
        string="Standard Operating Steps",
        copy=True,
    )
    checklist = fields.Html(
        compute="_compute_checklist",
        sanitize=False,
        help="Standard operating steps for handling this kind of case.",
    )

    @api.depends("checklist_step_ids.name", "checklist_step_ids.sequence")
    def _compute_checklist(self):
        for category in self:
            steps = category.checklist_step_ids.sorted(lambda s: (s.sequence, s.id))
            category.checklist = (
                Markup("<ol>%s</ol>")
                % Markup("").join(Markup("<li>%s</li>") % step.name for step in steps)
                if steps
                else False
            )


class AftersalesCase(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.case"

    checklist_item_ids = fields.One2many(
        "aftersales.case.checklist.item", "case_id", string="Checklist"
    )

    checklist_progress = fields.Float(compute="_compute_checklist_progress")

    @api.depends("checklist_item_ids.done")
    def _compute_checklist_progress(self):
        for case in self:
            items = case.checklist_item_ids
            case.checklist_progress = (
                100.0 * len(items.filtered("done")) / len(items) if items else 0.0
            )

    def _create_checklist_items(self):
        """Copy the category's standard steps onto cases that have none yet:
        one read of the steps and one batched create for all the cases."""
        Item = self.env["aftersales.case.checklist.item"]
        # sudo: called after create/write checked the access, and that write
        # may have routed the case to a team its author does not see
        cases = self.sudo().filtered(
            lambda c: c.category_id and not c.checklist_item_ids
        )
        if not cases:
            return Item
        steps = (
            self.env["aftersales.category.step"]
            .sudo()
            .search_fetch(
                [("category_id", "in", cases.category_id.ids)],
                ["category_id", "sequence", "name"],
            )
            .grouped("category_id")
        )
        vals_list = [
            {"case_id": case.id, "sequence": index, "name": step.name}
            for case in cases
            for index, step in enumerate(steps.get(case.category_id, ()), 1)
        ]
        return Item.sudo().create(vals_list) if vals_list else Item
