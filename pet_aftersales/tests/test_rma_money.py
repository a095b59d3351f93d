from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user

from .rma_common import RmaCommon


@freeze_time("2026-03-04 10:00:00")
class TestRmaMoney(RmaCommon):
    """The return flow as the people who do it, and the money matching the
    goods: what was received and passed inspection, no more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="as_accountant",
            name="Ada Accountant",
            groups="account.group_account_manager",
        )
        cls.storekeeper = new_test_user(
            cls.env,
            login="as_storekeeper",
            name="Wang Storekeeper",
            groups="stock.group_stock_user",
        )
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    # the steps, each as the person who does it ------------------------------

    def _requested(self, qty=2.0, lot=None, order=None, resolution="refund"):
        """The agent files the request on the phone with the customer."""
        vals = self._rma_vals(qty=qty, lot=lot, order=order)
        vals["resolution"] = resolution
        rma = self.env["aftersales.rma"].with_user(self.agent).create(vals)
        rma.action_submit()
        return rma

    def _approved(self, **kwargs):
        rma = self._requested(**kwargs).with_user(self.supervisor)
        rma.action_approve()
        return rma

    def _received_and_passed(self, **kwargs):
        rma = self._approved(**kwargs)
        self._receive(rma, user=self.storekeeper)
        rma.with_user(self.agent).line_ids.action_inspection_pass()
        return rma

    def _pay(self, invoice, amount=None):
        vals = {"journal_id": self.bank.id}
        if amount:
            vals["amount"] = amount
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(vals).action_create_payments()

    def _pay_online(self, invoice):
        """The customer pays the invoice on the portal by card, through Odoo's
        demo payment provider (a provider that refunds)."""
        provider = self.env.ref("payment.payment_provider_demo")
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "amount": invoice.amount_total,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "operation": "online_direct",
                "invoice_ids": [Command.set(invoice.ids)],
            }
        )
        tx.action_demo_set_done()
        tx._post_process()  # the payment post-processing job's work
        self.assertEqual(invoice.amount_residual, 0.0)
        return tx

    # who may press Done ------------------------------------------------------

    def test_supervisor_finishes_a_refund_the_agent_cannot(self):
        rma = self._received_and_passed(qty=2.0, lot=self.lot_a)
        with self.assertRaises(AccessError) as error:
            rma.with_user(self.agent).action_done()
        self.assertIn("Supervisor", str(error.exception))
        self.assertEqual(rma.state, "received")
        # the supervisor has no Invoicing rights, and still finishes it
        self.assertFalse(self.supervisor.has_group("account.group_account_invoice"))
        rma.with_user(self.supervisor).action_done()
        self.assertEqual(rma.state, "done")
        self.assertEqual(rma.refund_move_ids.state, "posted")
        self.assertAlmostEqual(rma.refund_move_ids.amount_total, 203.4)

    def test_manager_only_above_the_amount(self):
        self.company.aftersales_rma_manager_amount = 150.0
        rma = self._received_and_passed(qty=2.0, lot=self.lot_a)
        with self.assertRaises(AccessError) as error:
            rma.with_user(self.supervisor).action_done()
        self.assertIn("only an after-sales manager", str(error.exception))
        rma.with_user(self.manager).action_done()
        self.assertEqual(rma.state, "done")
        # under the amount, the supervisor may
        small = self._received_and_passed(qty=1.0, lot=self.lot_b)
        small.with_user(self.supervisor).action_done()
        self.assertEqual(small.state, "done")

    def test_settings_let_agents_finish(self):
        self.company.aftersales_rma_done_role = "agent"
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.agent).action_done()
        self.assertEqual(rma.state, "done")
        self.assertAlmostEqual(rma.refund_move_ids.amount_total, 101.7)

    def test_storekeeper_receipt_marks_the_return_received(self):
        rma = self._approved(qty=2.0, lot=self.lot_a)
        # the storekeeper has Inventory rights only: no access to returns
        with self.assertRaises(AccessError):
            rma.with_user(self.storekeeper).read(["state"])
        self._receive(rma, user=self.storekeeper)
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.received_qty, 2.0)

    # what comes back is what is credited -------------------------------------

    def test_refund_credits_what_was_received_not_what_was_asked(self):
        rma = self._approved(qty=2.0)
        receipt = rma.sudo().picking_ids
        # the courier brings one bag of the two
        receipt.move_ids.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": receipt.move_ids.id,
                "picking_id": receipt.id,
                "product_id": self.product.id,
                "product_uom_id": self.product.uom_id.id,
                "lot_id": self.lot_a.id,
                "quantity": 1.0,
                "location_id": receipt.location_id.id,
                "location_dest_id": receipt.location_dest_id.id,
            }
        )
        receipt.move_ids.picked = True
        receipt.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=receipt.ids
        ).button_validate()
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.received_qty, 1.0)
        with self.assertRaises(UserError):
            rma.with_user(self.agent).line_ids.write({"received_qty": 2.0})
        rma.with_user(self.agent).line_ids.action_inspection_pass()
        rma.action_done()
        self.assertEqual(rma.refund_move_ids.invoice_line_ids.quantity, 1.0)
        self.assertAlmostEqual(rma.refund_move_ids.amount_total, 101.7)

    def test_goods_locked_once_approved_back_to_draft_to_change(self):
        rma = self._approved(qty=1.0)
        line = rma.with_user(self.agent).line_ids
        with self.assertRaises(UserError):
            line.quantity = 2.0
        with self.assertRaises(UserError):
            line.lot_id = self.lot_a
        with self.assertRaises(UserError):
            line.unlink()
        receipt = rma.sudo().picking_ids
        # the agent cannot, the supervisor sends it back to draft
        with self.assertRaises(AccessError):
            rma.with_user(self.agent).action_draft()
        rma.action_draft()
        self.assertEqual(rma.state, "draft")
        self.assertEqual(receipt.state, "cancel")
        self.assertTrue(
            rma.message_ids.filtered(lambda m: "Sent back to draft" in (m.body or ""))
        )
        line.quantity = 2.0
        self.assertEqual(rma.line_ids.quantity, 2.0)

    def test_no_going_back_once_goods_came_back(self):
        rma = self._received_and_passed(qty=1.0)
        with self.assertRaises(UserError):
            rma.action_draft()

    def test_credit_note_keeps_the_invoice_terms_of_the_returned_lines(self):
        plan = self.env["account.analytic.plan"].create({"name": "Stores"})
        shop = self.env["account.analytic.account"].create(
            {"name": "Shanghai shop", "plan_id": plan.id}
        )
        toy = self.env["product.product"].create(
            {"name": "Feather Toy", "list_price": 20.0, "invoice_policy": "order"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 3.0,
                            "price_unit": 80.0,
                            "discount": 25.0,
                            "analytic_distribution": {str(shop.id): 100},
                        }
                    ),
                    Command.create({"product_id": toy.id, "product_uom_qty": 4.0}),
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        kibble_move = delivery.move_ids.filtered(lambda m: m.product_id == self.product)
        kibble_move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": kibble_move.id,
                "picking_id": delivery.id,
                "product_id": self.product.id,
                "product_uom_id": self.product.uom_id.id,
                "lot_id": self.lot_other.id,
                "quantity": 3.0,
                "location_id": delivery.location_id.id,
                "location_dest_id": delivery.location_dest_id.id,
            }
        )
        for move in delivery.move_ids - kibble_move:
            move.quantity = move.product_uom_qty
        delivery.move_ids.picked = True
        delivery._action_done()
        invoice = order._create_invoices()
        invoice.action_post()
        kibble_inv_line = invoice.invoice_line_ids.filtered(
            lambda aml: aml.product_id == self.product
        )
        rma = (
            self.env["aftersales.rma"]
            .with_user(self.agent)
            .create(
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": order.id,
                    "reason_id": self.reason_quality.id,
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": order.order_line[0].id, "quantity": 2.0}
                        )
                    ],
                }
            )
        )
        rma.action_submit()
        rma.with_user(self.supervisor).action_approve()
        self._receive(rma.sudo())
        rma.with_user(self.agent).line_ids.action_inspection_pass()
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.state, "posted")
        line = refund.invoice_line_ids
        self.assertEqual(line.product_id, self.product, "only the returned product")
        self.assertEqual(line.quantity, 2.0)
        self.assertEqual(line.price_unit, 80.0)
        self.assertEqual(line.discount, 25.0)
        self.assertEqual(line.tax_ids, self.tax)
        self.assertEqual(line.account_id, kibble_inv_line.account_id)
        self.assertEqual(line.analytic_distribution, {str(shop.id): 100})
        self.assertEqual(line.sale_line_ids, order.order_line[0])
        # 2 x 80 - 25 % + 13 %: the value of the returned goods, no more
        self.assertAlmostEqual(refund.amount_total, 135.6)
        self.assertAlmostEqual(refund.amount_total, rma.amount_total)
        self.assertEqual(order.order_line[0].qty_invoiced, 1.0)

    def test_credit_note_left_as_draft_for_accounting(self):
        self.company.aftersales_rma_post_refund = False
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        self.assertEqual(refund.state, "draft")
        self.assertAlmostEqual(refund.amount_total, 101.7)
        self.assertEqual(rma.refund_state, "to_refund")
        todo = rma.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        self.assertEqual(len(todo), 1)
        self.assertIn("draft", todo.note)

    def test_accounting_to_do_in_the_accountants_language(self):
        """An English supervisor finishes the return; the zh_CN accountant
        reads the to-do about the draft credit note in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.accountant.lang = "zh_CN"
        self.company.aftersales_rma_post_refund = False
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        todo = rma.activity_ids.filtered(lambda a: a.user_id == self.accountant)
        self.assertEqual(todo.summary, f"过账 {rma.name} 的红字发票")
        self.assertIn(rma.refund_move_ids.reversed_entry_id.name, todo.note)
        self.assertNotIn("draft", todo.note)

    # the money goes back the way it came (原路退回) ----------------------------

    def test_unpaid_invoice_credit_lowers_what_is_owed_no_todo(self):
        invoice = self.order.invoice_ids
        rma = self._received_and_passed(qty=2.0, lot=self.lot_a)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        self.assertAlmostEqual(invoice.amount_residual, 508.5 - 203.4)
        self.assertEqual(refund.amount_residual, 0.0)
        self.assertFalse(refund._get_reconciled_payments())
        self.assertFalse(rma.activity_ids, "no payment was made: nothing to pay back")
        self.assertEqual(rma.refund_state, "refunded")

    def test_paid_invoice_refunded_on_the_same_journal(self):
        invoice = self.order.invoice_ids
        self._pay(invoice)
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        payment = refund._get_reconciled_payments()
        self.assertEqual(payment.journal_id, self.bank)
        self.assertEqual(payment.payment_type, "outbound")
        self.assertAlmostEqual(payment.amount, 101.7)
        self.assertEqual(rma.refund_state, "refunded")
        self.assertFalse(rma.activity_ids)

    def test_online_payment_refunded_through_its_provider(self):
        invoice = self.order.invoice_ids
        tx = self._pay_online(invoice)
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        refund_tx = tx.child_transaction_ids.filtered(lambda t: t.operation == "refund")
        self.assertAlmostEqual(refund_tx.amount, -101.7)
        self.assertEqual(refund_tx.invoice_ids, refund)
        # no payment says the money went back before the provider confirms it
        self.assertFalse(refund._get_reconciled_payments())
        self.assertEqual(rma.refund_state, "to_refund")
        self.assertFalse(rma.activity_ids)
        self.assertTrue(
            rma.message_ids.filtered(lambda m: refund_tx.reference in m.body),
            "the chatter says which provider refund was asked",
        )
        # the provider's confirmation is processed: the credit note is paid back
        refund_tx._post_process()
        payment = refund._get_reconciled_payments()
        self.assertEqual(payment.payment_transaction_id, refund_tx)
        self.assertEqual(payment.payment_type, "outbound")
        self.assertAlmostEqual(payment.amount, 101.7)
        self.assertEqual(payment.source_payment_id, tx.payment_id)
        self.assertEqual(rma.refund_state, "refunded")
        # a second return: the provider refunds what is left, no more
        second = self._received_and_passed(qty=2.0, lot=self.lot_a)
        second.with_user(self.supervisor).action_done()
        second_tx = (
            tx.child_transaction_ids.filtered(lambda t: t.operation == "refund")
            - refund_tx
        )
        self.assertAlmostEqual(second_tx.amount, -203.4)
        self.assertAlmostEqual(tx.payment_id.amount_available_for_refund, 508.5 - 101.7)

    def test_online_payment_the_provider_cannot_refund_is_a_todo(self):
        invoice = self.order.invoice_ids
        tx = self._pay_online(invoice)
        tx.payment_method_id.support_refund = "none"
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        self.assertFalse(tx.child_transaction_ids)
        # no payment is registered by hand on the provider's journal
        self.assertFalse(refund._get_reconciled_payments())
        todo = rma.activity_ids
        self.assertEqual(todo.user_id, self.accountant)
        self.assertIn("101.70", todo.note)
        self.assertIn(tx.payment_id.journal_id.name, todo.note)
        self.assertEqual(rma.refund_state, "to_refund")

    def test_partly_paid_settles_what_is_owed_and_refunds_what_was_paid(self):
        invoice = self.order.invoice_ids
        self._pay(invoice, amount=400.0)
        rma = self._received_and_passed(qty=2.0, lot=self.lot_a)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        # 108.50 still owed is settled, the other 94.90 was paid: back it goes
        self.assertEqual(invoice.amount_residual, 0.0)
        payment = refund._get_reconciled_payments()
        self.assertAlmostEqual(payment.amount, 203.4 - 108.5)
        self.assertEqual(refund.amount_residual, 0.0)
        # a second return: nothing owed any more, what is left of the 400 paid
        second = self._received_and_passed(qty=1.0, lot=self.lot_b)
        second.with_user(self.supervisor).action_done()
        self.assertAlmostEqual(
            second.refund_move_ids._get_reconciled_payments().amount, 101.7
        )
        self.assertEqual(second.refund_state, "refunded")
        # never more than was paid: 94.90 + 101.70 of the 400
        self.assertFalse(second.activity_ids)

    def test_paid_by_statement_line_gives_the_accountant_a_todo(self):
        invoice = self.order.invoice_ids
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank.id,
                "amount": 508.5,
                "partner_id": self.customer.id,
                "payment_ref": "Alipay transfer",
                "date": "2026-03-03",
            }
        )
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        suspense.account_id = invoice.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        ).account_id
        (
            suspense
            + invoice.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            )
        ).reconcile()
        self.assertEqual(invoice.amount_residual, 0.0)
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        todo = rma.activity_ids
        self.assertEqual(todo.user_id, self.accountant)
        self.assertIn("101.70", todo.note)
        self.assertEqual(rma.refund_state, "to_refund")

    # exchanges and released quantities ---------------------------------------

    def test_exchange_ships_through_a_two_step_delivery(self):
        self.warehouse.delivery_steps = "pick_ship"
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b, resolution="exchange")
        rma.with_user(self.supervisor).action_done()
        pick = rma.exchange_picking_ids
        # the route's first step: from stock to the output area, for the customer
        self.assertEqual(pick.location_id, self.warehouse.lot_stock_id)
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)
        self.assertEqual(pick.move_ids.sale_line_id, self.order.order_line)
        self.assertEqual(str(pick.scheduled_date.date()), "2026-03-05")
        # the warehouse picks it: the shipping step follows, on the return too
        pick = pick.with_user(self.storekeeper)
        pick.move_ids.picked = True
        pick.button_validate()
        ship = rma.exchange_picking_ids - pick
        self.assertEqual(ship.location_dest_id.usage, "customer")
        self.assertEqual(ship.move_ids.move_orig_ids, pick.move_ids)
        self.assertEqual(ship.move_ids.sale_line_id, self.order.order_line)
        self.assertEqual(rma.exchange_count, 2)

    def test_rejected_return_releases_its_quantity(self):
        rma = self._requested(qty=5.0)
        rma.with_user(self.supervisor).action_reject("Outside the window.")
        again = self._requested(qty=5.0)
        self.assertEqual(again.state, "submitted")

    def test_return_of_company_b_belongs_to_company_b(self):
        company_b = self.env["res.company"].create({"name": "Pet Shop Taipei"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company_b, install_demo=False
        )
        for user in (self.agent, self.supervisor):
            user.company_ids |= company_b
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        product_b = self.env["product.product"].create(
            {"name": "Cat Litter", "is_storable": True, "list_price": 50.0}
        )
        self.env["stock.quant"].with_company(company_b)._update_available_quantity(
            product_b, warehouse_b.lot_stock_id, 10.0
        )
        order = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product_b.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        order.picking_ids.move_ids.quantity = 2.0
        order.picking_ids.move_ids.picked = True
        order.picking_ids._action_done()
        order._create_invoices().action_post()
        # the agent works in company A, with B allowed
        agent = self.agent.with_context(
            allowed_company_ids=[self.company.id, company_b.id]
        )
        rma = (
            self.env["aftersales.rma"]
            .with_user(agent)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .create(
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": order.id,
                    "reason_id": self.reason_quality.id,
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": order.order_line.id, "quantity": 1.0}
                        )
                    ],
                }
            )
        )
        self.assertEqual(rma.company_id, company_b)
        self.assertEqual(rma.line_ids.company_id, company_b)
        rma.action_submit()
        rma = rma.with_user(self.supervisor)
        rma.action_approve()
        self.assertEqual(rma.sudo().picking_ids.company_id, company_b)
        self._receive(rma.sudo())
        rma.with_user(agent).line_ids.action_inspection_pass()
        rma.action_done()
        self.assertEqual(rma.refund_move_ids.company_id, company_b)
        self.assertEqual(rma.refund_move_ids.state, "posted")

    def test_refund_state_follows_the_accountant_after_done(self):
        """The refund state follows the credit note's posting and payment
        done later in Invoicing, without depending on payment_state."""
        self.company.aftersales_rma_post_refund = False
        self._pay(self.order.invoice_ids)
        rma = self._received_and_passed(qty=1.0, lot=self.lot_b)
        rma.with_user(self.supervisor).action_done()
        refund = rma.refund_move_ids
        self.assertEqual(rma.refund_state, "to_refund")
        refund.with_user(self.accountant).action_post()
        self.assertEqual(rma.refund_state, "to_refund", "posted, not paid back yet")
        self._pay(refund)
        self.assertIn(refund.payment_state, ("paid", "in_payment"))
        self.assertEqual(rma.refund_state, "refunded")
        refund.with_user(self.accountant).button_draft()
        self.assertEqual(rma.refund_state, "to_refund")
