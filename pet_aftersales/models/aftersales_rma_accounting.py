"""The accounting side of a return: who may finish it, the credit note built
from the returned invoice lines, and the refund of what was really paid."""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero

DONE_ROLE_GROUPS = {
    "agent": "pet_aftersales.pet_aftersales_group_agent",
    "supervisor": "pet_aftersales.pet_aftersales_group_supervisor",
    "manager": "pet_aftersales.pet_aftersales_group_manager",
}


def _is_receivable(aml):
    return aml.account_id.account_type == "asset_receivable"


class AftersalesRma(models.Model):
    _inherit = "aftersales.rma"

    # ------------------------------------------------------------
    # WHO MAY FINISH A RETURN
    # ------------------------------------------------------------

    def _refundable_lines(self):
        """Lines whose goods came back and passed inspection: all a return
        may ever credit."""
        return self.line_ids.filtered(
            lambda line: line.inspection_result == "passed"
            and not float_is_zero(
                line.received_qty, precision_rounding=line.uom_id.rounding
            )
        )

    def _refund_value(self):
        """Value (taxes and discounts included) of the received, passed goods."""
        self.ensure_one()
        value = 0.0
        for line in self._refundable_lines():
            sale_line = line.sale_line_id.sudo()
            if sale_line.product_uom_qty:
                value += (
                    sale_line.price_total
                    / sale_line.product_uom_qty
                    * line.received_qty
                )
        return self.currency_id.round(value)

    def _done_role(self):
        """The after-sales role that may finish this return (Settings)."""
        self.ensure_one()
        company = self.company_id
        limit = company.aftersales_rma_manager_amount
        if (
            self.resolution == "refund"
            and limit
            and float_compare(
                self._refund_value(),
                limit,
                precision_rounding=self.currency_id.rounding,
            )
            > 0
        ):
            return "manager"
        return company.aftersales_rma_done_role or "supervisor"

    def _check_done_rights(self):
        """Done moves money and goods: only the roles the settings name."""
        if self.env.su:
            return
        roles = dict(
            self.env["res.company"]
            ._fields["aftersales_rma_done_role"]
            ._description_selection(self.env)
        )
        for rma in self:
            role = rma._done_role()
            if self.env.user.has_group(DONE_ROLE_GROUPS[role]):
                continue
            if role == "manager" and rma.company_id.aftersales_rma_done_role != (
                "manager"
            ):
                raise AccessError(
                    self.env._(
                        "Return %(rma)s refunds %(amount)s, more than %(limit)s: "
                        "only an after-sales manager can finish it.",
                        rma=rma.name,
                        amount=rma._format_amount(rma._refund_value()),
                        limit=rma._format_amount(
                            rma.company_id.aftersales_rma_manager_amount
                        ),
                    )
                )
            raise AccessError(
                self.env._(
                    "Only an after-sales %(role)s (or above) can finish return "
                    "%(rma)s.",
                    role=roles[role],
                    rma=rma.name,
                )
            )

    def _format_amount(self, amount):
        self.ensure_one()
        return self.currency_id.format(amount)

    # ------------------------------------------------------------
    # CREDIT NOTES
    # ------------------------------------------------------------

    def _invoice_lines_of(self, sale_line):
        return sale_line.invoice_lines.filtered(
            lambda aml: aml.move_id.move_type == "out_invoice"
            and aml.move_id.state in ("draft", "posted")
        )

    def _credited_qty_by_invoice_line(self, sale_lines):
        """What earlier credit notes already credited, per invoice line, in
        the invoice line's unit (credit notes of our returns and any other)."""
        credited = defaultdict(float)
        for sale_line in sale_lines:
            invoice_lines = self._invoice_lines_of(sale_line)
            for refund_line in sale_line.invoice_lines.filtered(
                lambda aml: aml.move_id.move_type == "out_refund"
                and aml.move_id.state in ("draft", "posted")
            ):
                origin = invoice_lines.filtered(
                    lambda aml, rl=refund_line: aml.move_id
                    == rl.move_id.reversed_entry_id
                )[:1]
                if origin:
                    credited[origin] += refund_line.product_uom_id._compute_quantity(
                        refund_line.quantity, origin.product_uom_id
                    )
        return credited

    def _allocate_to_invoice_lines(self, lines):
        """Spread each line's received quantity over the invoice lines of its
        sale line, newest invoice first, never more than each one invoiced
        minus what was already credited on it. Returns
        ({invoice: {invoice line: qty}}, lines not invoiced)."""
        by_invoice = defaultdict(lambda: defaultdict(float))
        not_invoiced = self.env["aftersales.rma.line"]
        credited = self._credited_qty_by_invoice_line(lines.sale_line_id)
        for line in lines:
            invoice_lines = self._invoice_lines_of(line.sale_line_id).sorted(
                lambda aml: (aml.move_id.state == "posted", aml.move_id.id),
                reverse=True,
            )
            remaining = line.received_qty
            for inv_line in invoice_lines:
                qty = line.uom_id._compute_quantity(remaining, inv_line.product_uom_id)
                free = inv_line.quantity - credited[inv_line]
                take = min(qty, free)
                if take <= 0:
                    continue
                by_invoice[inv_line.move_id][inv_line] += take
                credited[inv_line] += take
                remaining -= inv_line.product_uom_id._compute_quantity(
                    take, line.uom_id
                )
                if float_is_zero(remaining, precision_rounding=line.uom_id.rounding):
                    break
            if not invoice_lines:
                not_invoiced |= line
        return by_invoice, not_invoiced

    def _create_refunds(self, lines):
        """Credit exactly the received, passed quantities of ``lines``."""
        self.ensure_one()
        by_invoice, not_invoiced = self._allocate_to_invoice_lines(lines)
        if not_invoiced:
            self.message_post(
                body=self.env._(
                    "Not invoiced yet, nothing to refund for: %(products)s. The "
                    "return lowers the quantity to invoice.",
                    products=", ".join(not_invoiced.product_id.mapped("display_name")),
                )
            )
        for invoice, qty_by_line in by_invoice.items():
            if invoice.state == "draft":
                self._lower_draft_invoice(invoice, qty_by_line)
                continue
            refund = self._create_refund_move(invoice, qty_by_line)
            self.refund_move_ids = [Command.link(refund.id)]
            if self.company_id.aftersales_rma_post_refund:
                refund.action_post()
                self._refund_payment(invoice, refund)
            else:
                self._schedule_accountant_activity(
                    lambda rma, env, invoice=invoice: {
                        "summary": env._("Post credit note of %(rma)s", rma=rma.name),
                        "note": env._(
                            "The credit note of return %(rma)s waits for you as a "
                            "draft: check it, post it and refund what the customer "
                            "paid on %(invoice)s.",
                            rma=rma.name,
                            invoice=invoice.name,
                        ),
                    }
                )

    def _lower_draft_invoice(self, invoice, qty_by_line):
        for inv_line, qty in qty_by_line.items():
            inv_line.quantity = max(inv_line.quantity - qty, 0.0)
        invoice.message_post(
            body=self.env._("Quantities lowered by return %(rma)s.", rma=self.name)
        )
        self.message_post(
            body=self.env._(
                "Invoice %(invoice)s was still a draft: its quantities were "
                "lowered instead of issuing a credit note.",
                invoice=invoice.display_name,
            )
        )

    def _prepare_refund_line_vals(self, inv_line, qty):
        """A credit note line: the invoice line's own terms for ``qty``."""
        return {
            "product_id": inv_line.product_id.id,
            "name": inv_line.name,
            "quantity": qty,
            "product_uom_id": inv_line.product_uom_id.id,
            "price_unit": inv_line.price_unit,
            "discount": inv_line.discount,
            "tax_ids": [Command.set(inv_line.tax_ids.ids)],
            "account_id": inv_line.account_id.id,
            "analytic_distribution": inv_line.analytic_distribution,
            "sale_line_ids": [Command.set(inv_line.sale_line_ids.ids)],
        }

    def _prepare_refund_vals(self, invoice, qty_by_line):
        """A credit note of ``invoice`` for the returned lines only."""
        lang = invoice.partner_id.lang or self.env.lang
        today = fields.Date.context_today(self)
        return {
            "move_type": "out_refund",
            "company_id": invoice.company_id.id,
            "journal_id": invoice.journal_id.id,
            "partner_id": invoice.partner_id.id,
            "partner_shipping_id": invoice.partner_shipping_id.id,
            "currency_id": invoice.currency_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "invoice_user_id": invoice.invoice_user_id.id,
            "team_id": invoice.team_id.id,
            "reversed_entry_id": invoice.id,
            "invoice_origin": self.name,
            "ref": self.with_context(lang=lang).env._(
                "Reversal of: %(move_name)s, %(reason)s",
                move_name=invoice.name,
                reason=self.name,
            ),
            "invoice_date": today,
            "date": today,
            "invoice_line_ids": [
                Command.create(self._prepare_refund_line_vals(inv_line, qty))
                for inv_line, qty in qty_by_line.items()
            ],
        }

    def _create_refund_move(self, invoice, qty_by_line):
        refund = (
            self.env["account.move"]
            .with_company(invoice.company_id)
            .create(self._prepare_refund_vals(invoice, qty_by_line))
        )
        refund.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": refund, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return refund

    # ------------------------------------------------------------
    # REFUND OF THE MONEY (原路退回)
    # ------------------------------------------------------------

    def _paid_on_invoice(self, invoice):
        """What the customer really paid on ``invoice`` and has not been paid
        back yet (invoice currency), and the payments it came with.

        Read from the reconciliations themselves: payments and bank statement
        lines count, credit notes do not (a credit note against an unpaid
        invoice makes it look "partial" without a cent paid).
        """
        paid = 0.0
        payments = self.env["account.payment"]
        for partial in invoice.line_ids.filtered(_is_receivable).matched_credit_ids:
            move = partial.credit_move_id.move_id
            if move.is_invoice(include_receipts=True):
                continue
            paid += partial.debit_amount_currency
            payments |= move.origin_payment_id
        for earlier in invoice.reversal_move_ids.filtered(
            lambda move: move.state == "posted"
        ):
            for partial in earlier.line_ids.filtered(_is_receivable).matched_debit_ids:
                if not partial.debit_move_id.move_id.is_invoice(include_receipts=True):
                    paid -= partial.credit_amount_currency
        return max(paid, 0.0), payments

    def _refund_payment(self, invoice, refund):
        """Once posted, the credit note settles what is still owed on the
        invoice (core reconciles it with the invoice it reverses); what is
        left of it was paid: pay that back the way it came, never more than
        was really paid. Online payments go back through their payment
        provider (Odoo's payment refund flow), the others are registered on
        the customer's own payment method, the rest is an accountant's to-do."""
        paid, payments = self._paid_on_invoice(invoice)
        currency = refund.currency_id
        cash = currency.round(min(paid, refund.amount_residual))
        latest_first = payments.sorted(lambda p: (p.date, p.id), reverse=True)
        for payment in latest_first.filtered("payment_transaction_id"):
            if currency.is_zero(cash):
                return
            cash = currency.round(
                cash - self._refund_through_provider(refund, payment, cash)
            )
        if currency.is_zero(cash):
            return
        payment = latest_first.filtered(lambda p: not p.payment_transaction_id)[:1]
        method_line = payment and self._outbound_method_line(payment)
        if method_line:
            self._register_refund_payment(refund, payment, method_line, cash)
            return
        journal = (payment or latest_first[:1]).journal_id
        self._schedule_accountant_activity(
            lambda rma, env: {
                "summary": env._(
                    "Refund %(refund)s to the customer", refund=refund.name
                ),
                "note": env._(
                    "The original payment method (%(journal)s) cannot refund "
                    "by itself: pay %(amount)s of credit note %(refund)s back "
                    "to the customer.",
                    journal=journal.with_env(env).display_name
                    or env._("bank transfer"),
                    amount=currency.format(cash),
                    refund=refund.name,
                ),
            }
        )

    def _refund_through_provider(self, refund, payment, amount):
        """Ask the payment provider of the online ``payment`` to refund up to
        ``amount`` with Odoo's own refund wizard; return what was asked.

        Nothing is asked when the provider or the payment method cannot
        refund (or only in full, and this is less), when a refund of that
        payment is still pending, or in another currency: the caller leaves
        the rest to the accountant."""
        Wizard = self.env["payment.refund.wizard"].with_context(
            active_model="account.payment", active_id=payment.id
        )
        probe = Wizard.new({"payment_id": payment.id})
        currency = refund.currency_id
        amount = currency.round(min(amount, probe.amount_available_for_refund))
        support = probe.support_refund
        if (
            payment.currency_id != currency
            or support == "none"
            or probe.has_pending_refund
            or currency.compare_amounts(amount, 0.0) <= 0
            or (
                support == "full_only"
                and currency.compare_amounts(amount, payment.amount) != 0
            )
        ):
            return 0.0
        source_tx = payment.payment_transaction_id
        earlier = source_tx.child_transaction_ids
        Wizard.create(
            {"payment_id": payment.id, "amount_to_refund": amount}
        ).action_refund()
        refund_tx = self.env["payment.transaction"].search(
            [
                ("source_transaction_id", "=", source_tx.id),
                ("operation", "=", "refund"),
                ("id", "not in", earlier.ids),
            ]
        )
        # when the provider confirms, core creates the refund's payment and
        # reconciles it with the transaction's invoices: the credit note
        refund_tx.invoice_ids = [Command.link(refund.id)]
        confirmed = refund_tx.payment_id.filtered(lambda p: p.state != "draft")
        if confirmed:  # a provider that confirmed at once, before the link
            (confirmed.move_id.line_ids + refund.line_ids).filtered(
                lambda line: line.account_id == confirmed.destination_account_id
                and not line.reconciled
            ).reconcile()
        self.message_post(
            body=self.env._(
                "Refund of %(amount)s requested from %(provider)s (transaction "
                "%(reference)s), the way the customer paid online.",
                amount=currency.format(amount),
                provider=source_tx.provider_id.display_name,
                reference=refund_tx.reference,
            )
        )
        return amount

    def _outbound_method_line(self, payment):
        journal = payment.journal_id
        return (
            journal.outbound_payment_method_line_ids.filtered(
                lambda ml: ml.payment_method_id.code
                == payment.payment_method_line_id.payment_method_id.code
            )[:1]
            or journal.outbound_payment_method_line_ids[:1]
        )

    def _register_refund_payment(self, refund, payment, method_line, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=refund.ids
        ).create(
            {
                "journal_id": payment.journal_id.id,
                "payment_method_line_id": method_line.id,
                "payment_date": fields.Date.context_today(self),
                "amount": amount,
                "payment_difference_handling": "open",
            }
        ).action_create_payments()
        self.message_post(
            body=self.env._(
                "Refund of %(amount)s registered on %(journal)s (%(method)s), the "
                "payment method the customer used.",
                amount=refund.currency_id.format(amount),
                journal=payment.journal_id.display_name,
                method=method_line.display_name,
            )
        )

    def _schedule_accountant_activity(self, texts):
        """A to-do for an accountant of the company (else the return's
        owner); ``texts(rma, env)`` writes it in the assignee's language."""
        accountants = self.env.ref("account.group_account_manager", False)
        user = (
            accountants.users.filtered(
                lambda u: self.company_id in u.company_ids and not u.share
            )[:1]
            if accountants
            else self.env["res.users"]
        ) or self.user_id
        self._aftersales_activity_schedule(
            user or self.env.user, texts, "mail.mail_activity_data_todo"
        )

    refund_state = fields.Selection(
        [
            ("none", "No Refund"),
            ("to_refund", "To Refund"),
            ("refunded", "Refunded"),
        ],
        compute="_compute_refund_state",
        store=True,
        help="To Refund: the credit note is posted but the money has not gone "
        "back to the customer yet (the accountant has an activity). Refunded: "
        "the refund is registered on the customer's original payment method.",
    )

    # Not on refund_move_ids.payment_state: the ORM would look up the returns
    # of every invoice whose payment state changes, several times per
    # posting. The credit notes' own payment-state compute marks this field
    # to recompute instead (account.move in aftersales_rma_accounting.py).
    @api.depends("refund_move_ids", "state")
    def _compute_refund_state(self):
        for rma in self:
            refunds = rma.refund_move_ids.filtered(lambda m: m.state == "posted")
            if rma.refund_move_ids.filtered(lambda m: m.state == "draft"):
                rma.refund_state = "to_refund"  # a draft waits for accounting
            elif not refunds:
                rma.refund_state = "none"
            elif all(
                move.payment_state in ("paid", "in_payment", "reversed")
                for move in refunds
            ):
                rma.refund_state = "refunded"
            else:
                rma.refund_state = "to_refund"

    def _accept_disposal(self):
        """Goods the customer disposed of never come back: once approved,
        the declared quantity counts as received and passed, ready to refund."""
        if not self:
            return
        now = fields.Datetime.now()
        self.line_ids.write(
            {
                "inspection_result": "passed",
                "inspection_note": self.env._("Disposed of by the customer."),
                "inspection_date": now,
            }
        )
        self.write({"state": "received", "received_date": now})
        for rma in self:
            rma.message_post(
                body=self.env._(
                    "Disposal accepted: no return receipt, the approved quantity "
                    "is refunded when the return is done."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _create_compensation(self):
        """Company fault: a coupon of the configured loyalty program."""
        for rma in self:
            program = rma.company_id.aftersales_rma_coupon_program_id
            if (
                not rma.reason_id.company_fault
                or not program
                or rma.compensation_card_id
            ):
                continue
            card = (
                self.env["loyalty.card"]
                .sudo()
                .create(
                    {
                        "program_id": program.id,
                        "partner_id": rma.partner_id.commercial_partner_id.id,
                        "points": max(
                            program.reward_ids.mapped("required_points") or [1.0]
                        ),
                    }
                )
            )
            rma.compensation_card_id = card

    def _refunded_share(self, lines):
        """Share (0-1) of the sale order's total that ``lines`` give back."""
        self.ensure_one()
        total = self.sale_order_id.amount_total
        if not total:
            return 0.0
        value = sum(
            line.received_qty
            * line.sale_line_id.price_total
            / line.sale_line_id.product_uom_qty
            for line in lines
            if line.sale_line_id.product_uom_qty
        )
        return value / total

    def action_refund_without_return(self):
        """The pet the goods were for passed away: nobody asks a grieving
        customer to pack and ship pet food back. The return becomes a
        disposal: no receipt, the approved quantity is refunded at Done."""
        for rma in self:
            if not rma.case_id.pet_id.deceased_date:
                raise UserError(
                    self.env._(
                        "Return %(rma)s is not about a pet that passed away: "
                        "the goods come back as usual.",
                        rma=rma.name,
                    )
                )
        self._check_state(("draft", "submitted", "approved"))
        todo = self.filtered(lambda rma: rma.return_method != "dispose")
        approved = todo.filtered(lambda rma: rma.state == "approved")
        approved._cancel_open_receipts()
        todo.write({"return_method": "dispose"})
        approved._accept_disposal()
        for rma in todo:
            rma.message_post(
                body=self.env._(
                    "%(pet)s passed away: refund without return.",
                    pet=rma.case_id.pet_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_view_refunds(self):
        self.ensure_one()
        return self._action_view_records(
            self.refund_move_ids, self.env._("Credit Notes")
        )


class AccountMove(models.Model):
    _inherit = "account.move"

    def _compute_payment_state(self):
        """A credit note's payment state tells its returns' refund state:
        one look-up, for customer credit notes only."""
        res = super()._compute_payment_state()
        refunds = self.filtered(lambda move: move.move_type == "out_refund" and move.id)
        if refunds:
            rmas = (
                self.env["aftersales.rma"]
                .sudo()
                .search([("refund_move_ids", "in", refunds.ids)])
            )
            if rmas:
                self.env.add_to_compute(rmas._fields["refund_state"], rmas)
        return res
