"""The return policy (退换货政策) as one service: the backend, the portal and
automation ask it the same question and get the same answer, in words."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date


class AftersalesRmaPolicy(models.AbstractModel):
    _name = "aftersales.rma.policy"
    _description = "Return Policy"

    @api.model
    def _return_days(self, product, company):
        """Return period of ``product``: template, else category (or its
        parents), else company. 0 means "inherit"."""
        if product.product_tmpl_id.aftersales_return_days:
            return product.product_tmpl_id.aftersales_return_days
        category = product.categ_id
        while category:
            if category.aftersales_return_days:
                return category.aftersales_return_days
            category = category.parent_id
        return company.aftersales_return_days

    @api.model
    def _evaluate(
        self,
        company,
        reason,
        line_values,
        has_evidence=True,
        return_method=None,
        on_date=None,
    ):
        """The return policy, in words.

        :param line_values: dicts with ``sale_line`` (sale.order.line),
            ``product`` (product.product), ``quantity`` and
            ``original_packaging``
        :param has_evidence: whether photos/videos are attached; ``None``
            when not known yet (portal preview before the upload)
        :param return_method: how the goods come back; an item dropped off
            at the store is checked at the counter and needs no photos
        :param on_date: when the request was made (datetime; default now):
            evaluating it again later (e.g. once photos are added) keeps the
            return period of the day it was submitted
        :return: (ok, message)
        """
        if not reason:
            return False, self.env._("Choose the reason of the return.")
        if not line_values:
            return False, self.env._("Add at least one product to return.")
        problems, notes = [], []
        today = fields.Date.context_today(self, on_date)
        fault = reason.company_fault
        delivery_dates = (
            self.env["sale.order.line"]
            .concat(*[vals["sale_line"] for vals in line_values])
            .sudo()
            ._aftersales_delivery_dates()
        )
        for vals in line_values:
            product = vals["product"]
            sale_line = vals["sale_line"]
            name = product.display_name
            template = product.product_tmpl_id
            if not template.aftersales_returnable:
                if fault:
                    notes.append(
                        self.env._(
                            "%(product)s is normally not returnable, but the "
                            "reason %(reason)s is our fault.",
                            product=name,
                            reason=reason.name,
                        )
                    )
                else:
                    problems.append(
                        self.env._(
                            "%(product)s cannot be returned (e.g. opened food), "
                            "except for a problem that is our fault.",
                            product=name,
                        )
                    )
                    continue
            done_date = delivery_dates.get(sale_line.id)
            if not done_date:
                problems.append(
                    self.env._("%(product)s has not been delivered yet.", product=name)
                )
                continue
            days = self._return_days(product, company)
            delivered_on = fields.Date.context_today(self, done_date)
            limit = delivered_on + timedelta(days=days)
            if today > limit:
                problems.append(
                    self.env._(
                        "%(product)s was delivered on %(date)s: the %(days)s-day "
                        "return period ended on %(limit)s.",
                        product=name,
                        date=format_date(self.env, delivered_on),
                        days=days,
                        limit=format_date(self.env, limit),
                    )
                )
            else:
                notes.append(
                    self.env._(
                        "%(product)s was delivered on %(date)s, within the "
                        "%(days)s-day return period (until %(limit)s).",
                        product=name,
                        date=format_date(self.env, delivered_on),
                        days=days,
                        limit=format_date(self.env, limit),
                    )
                )
            if not fault and not vals["original_packaging"]:
                problems.append(
                    self.env._(
                        "%(product)s: a return without a fault on our side needs "
                        "the original, intact packaging (resaleable goods).",
                        product=name,
                    )
                )
        if reason.needs_evidence and return_method == "store":
            notes.append(
                self.env._(
                    "The reason %(reason)s needs evidence: the item is dropped "
                    "off at the store and checked at the counter, no photos "
                    "are needed.",
                    reason=reason.name,
                )
            )
        elif reason.needs_evidence:
            if has_evidence is None:
                notes.append(
                    self.env._(
                        "The reason %(reason)s needs photos or videos as "
                        "evidence: attach them to the request.",
                        reason=reason.name,
                    )
                )
            elif not has_evidence:
                problems.append(
                    self.env._(
                        "The reason %(reason)s needs photos or videos as "
                        "evidence, and none is attached.",
                        reason=reason.name,
                    )
                )
        if fault:
            notes.append(
                self.env._(
                    "The reason %(reason)s is our fault: we pay the return "
                    "shipping and offer a compensation.",
                    reason=reason.name,
                )
            )
        else:
            notes.append(
                self.env._(
                    "The reason %(reason)s is not a fault on our side: the "
                    "customer pays the return shipping.",
                    reason=reason.name,
                )
            )
        if problems:
            head = self.env._("The request does not meet the return policy:")
            return False, "\n".join([head, *problems, *notes])
        head = self.env._("The request meets the return policy:")
        return True, "\n".join([head, *notes])


class AftersalesRma(models.Model):
    """A return's verdict: the policy engine's, on what is attached now."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.rma"

    policy_ok = fields.Boolean(
        string="Within Return Policy",
        compute="_compute_policy",
        store=True,
        copy=False,
        help="Whether the request passes the return policy.",
    )

    policy_message = fields.Text(
        compute="_compute_policy",
        store=True,
        copy=False,
        help="Why the return policy passes or fails.",
    )

    @api.depends(
        "reason_id",
        "partner_id",
        "line_ids.quantity",
        "line_ids.sale_line_id",
        "line_ids.lot_id",
        "line_ids.original_packaging",
        "return_method",
    )
    def _compute_policy(self):
        # Evidence is whatever is attached now: ir.attachment recomputes the
        # verdict when files are attached to or removed from a return.
        evidence = self._evidence_counts()
        for rma in self:
            ok, message = self.env["aftersales.rma.policy"]._evaluate(
                rma.company_id,
                rma.reason_id,
                [line._policy_values() for line in rma.line_ids.sudo()],
                has_evidence=bool(evidence.get(rma.id)),
                return_method=rma.return_method,
                on_date=rma.submitted_date,
            )
            rma.policy_ok = ok
            rma.policy_message = message

    def _refresh_evidence(self):
        """Evaluate the policy again once files were attached or removed
        (at the next read or flush, as a stored compute)."""
        rmas = self.sudo().exists()
        if rmas:
            self.env.add_to_compute(self._fields["policy_ok"], rmas)
            self.env.add_to_compute(self._fields["policy_message"], rmas)

    def _evidence_counts(self):
        ids = [rma_id for rma_id in self.ids if rma_id]
        if not ids:
            return {}
        return dict(
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", ids)],
                ["res_id"],
                ["__count"],
            )
        )
