"""Loyalty points for feedback: granted once per answer (and a monthly cap
per customer), revoked in proportion when an order's goods come back."""

from odoo import api, fields, models
from odoo.tools import SQL


class AftersalesFeedbackMixin(models.AbstractModel):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.feedback.mixin"

    def _aftersales_lock(self):
        """Lock the rows so concurrent answers cannot reward twice."""
        self.flush_recordset(["feedback_points_granted"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["feedback_points_granted"])

    def _aftersales_lock_rewarded_partners(self):
        """Serialize the rewards of one customer: the monthly cap counts what
        other transactions granted. A no-op update takes the customer's row
        lock; a concurrent reward of the same customer waits for it and, under
        Odoo's repeatable-read transactions, fails with a serialization error
        once this one commits, so that Odoo retries it on a snapshot that sees
        these points (and the card this one may create)."""
        partners = self.partner_id.commercial_partner_id
        if partners:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET write_date = write_date WHERE id IN %s",
                    tuple(sorted(partners.ids)),
                )
            )

    def _aftersales_loyalty_card(self, program, partner):
        card = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [("program_id", "=", program.id), ("partner_id", "=", partner.id)],
                order="id",
                limit=1,
            )
        )
        if not card:
            card = (
                self.env["loyalty.card"]
                .sudo()
                .with_company(program.company_id or self.company_id)
                .create(
                    {"program_id": program.id, "partner_id": partner.id, "points": 0}
                )
            )
        return card

    def _aftersales_monthly_feedback_points(self, partner):
        today = fields.Date.context_today(self)
        month_start = fields.Datetime.to_datetime(today.replace(day=1))
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("aftersales_kind", "=", "feedback"),
                    ("card_id.partner_id", "=", partner.id),
                    ("create_date", ">=", month_start),
                ],
                [],
                ["issued:sum"],
            )
        )
        return groups[0][0] or 0.0

    def _aftersales_grant_feedback_points(self):
        """Reward the feedback on the customer's loyalty card, once per record.

        The points go to the commercial partner's card of the company's
        feedback program, capped per calendar month, with a history line
        naming the case or return.
        """
        records = self.filtered(lambda rec: not rec.feedback_points_granted)
        if not records:
            return self.env["loyalty.history"]
        records._aftersales_lock()
        records._aftersales_lock_rewarded_partners()
        history = self.env["loyalty.history"].sudo()
        for record in records.filtered(lambda rec: not rec.feedback_points_granted):
            company = record.company_id
            program = company.aftersales_loyalty_program_id.sudo()
            points = company.aftersales_feedback_points
            partner = record.partner_id.commercial_partner_id
            if not program or points <= 0 or not partner:
                continue
            cap = company.aftersales_feedback_points_monthly_cap
            if cap > 0:
                points = min(
                    points, cap - record._aftersales_monthly_feedback_points(partner)
                )
            record.feedback_points_granted = True
            if points <= 0:
                record.message_post(
                    body=self.env._(
                        "No feedback points: the customer reached the monthly "
                        "cap of %(cap)s points.",
                        cap=cap,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            card = record._aftersales_loyalty_card(program, partner)
            history |= history.create(
                {
                    "card_id": card.id,
                    "issued": points,
                    "aftersales_kind": "feedback",
                    "description": self.env._(
                        "Feedback reward for %(record)s", record=record.display_name
                    ),
                    **record._aftersales_feedback_link_vals(),
                }
            )
            card.points += points
            record.message_post(
                body=self.env._(
                    "%(points)s %(unit)s credited to %(customer)s for the feedback.",
                    points=points,
                    unit=card.point_name or program.portal_point_name,
                    customer=partner.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return history

    @api.model
    def _aftersales_revoke_order_points(self, rma, ratio):
        """Take back the loyalty points ``rma``'s sale order earned, pro rata.

        ``ratio`` is the refunded share of the order (0-1). Each card loses
        ``ratio`` of the points the order issued on it, once per return, never
        below zero: what cannot be taken is reported on the return's chatter.
        """
        rma.ensure_one()
        ratio = min(max(ratio or 0.0, 0.0), 1.0)
        order = rma.sale_order_id
        History = self.env["loyalty.history"].sudo()
        if not order or not ratio:
            return History
        already = History.search(
            [("aftersales_kind", "=", "revoke"), ("aftersales_rma_id", "=", rma.id)]
        )
        groups = History._read_group(
            [
                ("order_model", "=", "sale.order"),
                ("order_id", "=", order.id),
                ("issued", ">", 0),
                ("card_id", "not in", already.card_id.ids),
            ],
            ["card_id"],
            ["issued:sum"],
        )
        history = History
        for card, issued in groups:
            wanted = (
                card.currency_id.round(issued * ratio)
                if card.currency_id
                else issued * ratio
            )
            taken = min(wanted, max(card.points, 0.0))
            if wanted <= 0:
                continue
            history |= History.create(
                {
                    "card_id": card.id,
                    "used": taken,
                    "aftersales_kind": "revoke",
                    "aftersales_rma_id": rma.id,
                    "description": self.env._(
                        "Points of %(order)s taken back by return %(rma)s",
                        order=order.display_name,
                        rma=rma.display_name,
                    ),
                }
            )
            card.points -= taken
            if taken < wanted:
                rma.message_post(
                    body=self.env._(
                        "Only %(taken)s of the %(wanted)s points earned by "
                        "%(order)s could be taken back from %(customer)s's card: "
                        "the rest was already spent.",
                        taken=taken,
                        wanted=wanted,
                        order=order.display_name,
                        customer=card.partner_id.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return history
