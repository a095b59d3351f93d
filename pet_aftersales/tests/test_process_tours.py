"""One browser tour per business process, each step run by its real role.

(1) a pet-health call to its call-back (zh_CN agent); (2) a portal return
from My Orders to its refund, followed by the customer on the portal; (3)
classify, solve, confirm, an unhappy call-back, second handling, closed; (4)
a store-counter case and its store drop-off exchange (zh_TW agent and
supervisor); (5) a food complaint with a courier pickup. The superuser only
builds the fixture: customers, products, delivered and invoiced orders.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AftersalesCommon

MODULE = "pet_aftersales"


@tagged("post_install", "-at_install")
class TestProcessTours(AftersalesCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for lang in ("zh_CN", "zh_TW"):
            env["res.lang"]._activate_lang(lang)
        env["ir.module.module"].search([("name", "=", MODULE)])._update_translations(
            ["zh_CN", "zh_TW"], overwrite=True
        )
        cls.agent_cn = new_test_user(
            env,
            login="as_agent_cn",
            name="王芳",
            lang="zh_CN",
            tz="Asia/Shanghai",
            groups="pet_aftersales.pet_aftersales_group_agent,"
            "stock.group_production_lot",
        )
        cls.agent_tw = new_test_user(
            env,
            login="as_agent_tw",
            name="陳怡君",
            lang="zh_TW",
            tz="Asia/Taipei",
            groups="pet_aftersales.pet_aftersales_group_agent",
        )
        cls.supervisor_tw = new_test_user(
            env,
            login="as_supervisor_tw",
            name="黃建國",
            lang="zh_TW",
            tz="Asia/Taipei",
            groups="pet_aftersales.pet_aftersales_group_supervisor",
        )
        cls.storekeeper = new_test_user(
            env,
            login="as_storekeeper",
            name="Sid Storekeeper",
            groups="stock.group_stock_user",
        )
        cls.portal_user = new_test_user(
            env,
            login="as_portal",
            name="Pat Portal",
            email="pat.portal@example.com",
            groups="base.group_portal",
        )
        # the team that handles the categories of these processes; every return
        # waits for a supervisor's approval
        cls.team = env["aftersales.team"].create(
            {
                "name": "Hotline and Stores",
                "user_id": cls.supervisor.id,
                "member_ids": [
                    Command.set((cls.agent | cls.agent_cn | cls.agent_tw).ids)
                ],
                "assignment_method": "manual",
            }
        )
        env["aftersales.category"].search(
            [("code", "in", ("pet_health", "quality", "food_safety"))]
        ).team_id = cls.team
        cls.company.aftersales_auto_approve_amount = 0.0
        cls.customer_cn = env["res.partner"].create(
            {"name": "周小梅", "phone": "+86 21 5555 0202", "lang": "zh_CN"}
        )
        cls.customer_tw = env["res.partner"].create(
            {"name": "林志豪", "email": "lin@example.com", "lang": "zh_TW"}
        )
        cls.pet = env["pet.profile"].create(
            {"name": "小橘", "partner_id": cls.customer_cn.id, "species": "cat"}
        )
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.salmon = env["product.product"].create(
            {"name": "三文鱼猫粮 2kg", "is_storable": True, "tracking": "lot"}
        )
        cls.lot = env["stock.lot"].create(
            {"name": "SK-2611", "product_id": cls.salmon.id}
        )
        cls.scratcher, cls.jerky = env["product.product"].create(
            [
                {"name": "貓抓板 L", "is_storable": True, "list_price": 200.0},
                {
                    "name": "Chicken Jerky 500 g",
                    "is_storable": True,
                    "list_price": 50.0,
                },
            ]
        )
        for product in cls.scratcher | cls.jerky:
            env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 20.0
            )

    @classmethod
    def _deliver_and_invoice(cls, name, partner, product, qty):
        order = cls.env["sale.order"].create(
            {
                "name": name,
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        order.picking_ids.move_ids.quantity = qty
        order.picking_ids.move_ids.picked = True
        order.picking_ids._action_done()
        order._create_invoices().action_post()
        return order

    def _case_url(self, case=None):
        suffix = case.id if case else "new"
        return f"/odoo/action-pet_aftersales.aftersales_case_action/{suffix}"

    def _run_return_back_office(self, rma, supervisor):
        """Approval by a supervisor, the receipt by the storekeeper, inspection
        and Done by the supervisor again."""
        rma_url = f"/odoo/action-pet_aftersales.aftersales_rma_action/{rma.id}"
        self.start_tour(rma_url, "pet_aftersales_process_approve", login=supervisor)
        self.assertEqual(rma.state, "approved")
        self.assertEqual(len(rma.picking_ids), 1)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{rma.picking_ids.id}",
            "pet_aftersales_process_receive",
            login="as_storekeeper",
        )
        self.assertEqual(rma.state, "received")
        self.assertEqual(rma.line_ids.received_qty, rma.line_ids.quantity)
        self.start_tour(
            rma_url, "pet_aftersales_process_inspect_done", login=supervisor
        )
        self.assertEqual(rma.state, "done")
        self.assertEqual(rma.line_ids.inspection_result, "passed")

    def test_1_pet_health_call_to_call_back(self):
        """A zh_CN agent opens a pet-health case from a phone call with what the
        caller knows (the alert goes out at once, the case is urgent), adds
        pet, product and lot, solves it and records the call-back ratings."""
        self.start_tour(
            self._case_url(), "pet_aftersales_process_health_call", login="as_agent_cn"
        )
        case = self.env["aftersales.case"].search(
            [("partner_id", "=", self.customer_cn.id)]
        )
        self.assertEqual(len(case), 1)
        self.assertEqual(case.create_uid, self.agent_cn)
        self.assertEqual(case.category_id.code, "pet_health")
        self.assertEqual(case.channel, "phone")
        self.assertEqual(case.priority, "3")
        self.assertEqual((case.pet_id, case.product_id), (self.pet, self.salmon))
        self.assertEqual(case.lot_id, self.lot)
        self.assertTrue(case.is_closed)
        alert = self.env["aftersales.alert"].search(
            [("subject_key", "=", f"pet_health:case:{case.id}")]
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.alert_type, "pet_health")
        self.assertEqual(case.feedback_state, "done")
        self.assertEqual(case.feedback_channel, "callback")
        self.assertTrue(case.callback_done)
        self.assertEqual(
            (
                case.csat_speed,
                case.csat_solution,
                case.csat_attitude,
                case.csat_quality,
            ),
            (5, 4, 5, 3),
        )
        self.assertFalse(case._aftersales_callback_activities())

    def test_2_portal_return_to_refund(self):
        """The customer asks for a return from My Orders with a photo; a
        supervisor approves, the storekeeper receives, the supervisor inspects
        and refunds; the customer sees the return done on the portal."""
        order = self._deliver_and_invoice(
            "SO-PORTAL-1", self.portal_user.partner_id, self.jerky, 2
        )
        invoice = order.invoice_ids
        self.start_tour(
            order.get_portal_url(), "pet_aftersales_portal_return", login="as_portal"
        )
        rma = self.env["aftersales.rma"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(len(rma), 1)
        self.assertEqual(rma.state, "submitted")
        self.assertEqual(rma.channel, "portal")
        self._run_return_back_office(rma, "as_supervisor")
        refund = rma.refund_move_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.invoice_line_ids.quantity, 1.0)
        self.assertEqual(refund.amount_total, invoice.amount_total / 2)
        self.start_tour(
            rma.get_portal_url(),
            "pet_aftersales_process_portal_follow",
            login="as_portal",
        )

    def test_3_unhappy_call_back_to_second_handling(self):
        """An agent classifies and solves a case, the customer confirms; on the
        call-back the customer is not satisfied: the case is handled a second
        time, its first round kept, and solved again."""
        case = self.env["aftersales.case"].create(
            {
                "name": "Water fountain seal leaks",
                "partner_id": self.customer.id,
                "channel": "email",
                "user_id": self.agent.id,
            }
        )
        self.start_tour(
            self._case_url(case),
            "pet_aftersales_process_second_handling",
            login="as_agent",
        )
        self.assertEqual(case.category_id.code, "quality")
        self.assertTrue(case.is_closed)
        self.assertEqual(case.reopen_count, 1)
        self.assertEqual(len(case.round_ids), 1)
        first = case.round_ids
        self.assertEqual(first.solution, "parts")
        self.assertTrue(first.solution_confirmed_date)
        self.assertEqual(first.csat_score, 25.0)
        self.assertTrue(case.solution_confirmed_date)
        self.assertGreaterEqual(case.solution_confirmed_date, first.date_reopened)
        self.assertFalse(case._aftersales_second_handling_activities())

    def test_4_store_case_and_drop_off_exchange(self):
        """At the store counter a zh_TW agent records the case and its exchange
        (goods dropped off at the store); a zh_TW supervisor approves, the
        storekeeper receives, the exchange ships from the warehouse."""
        order = self._deliver_and_invoice(
            "SO-STORE-TW1", self.customer_tw, self.scratcher, 1
        )
        self.start_tour(
            self._case_url(), "pet_aftersales_process_store_case", login="as_agent_tw"
        )
        case = self.env["aftersales.case"].search(
            [("partner_id", "=", self.customer_tw.id)]
        )
        self.assertEqual(len(case), 1)
        self.assertEqual((case.channel, case.solution), ("store", "exchange"))
        rma = case.rma_ids
        self.assertEqual(len(rma), 1)
        self.assertEqual(rma.sale_order_id, order)
        self.assertEqual((rma.resolution, rma.return_method), ("exchange", "store"))
        self.assertEqual(rma.line_ids.product_id, self.scratcher)
        self._run_return_back_office(rma, "as_supervisor_tw")
        exchange = rma.exchange_picking_ids
        self.assertEqual(len(exchange), 1)
        self.assertEqual(exchange.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(exchange.partner_id, self.customer_tw)
        self.assertEqual(exchange.move_ids.product_id, self.scratcher)
        self.assertEqual(exchange.move_ids.product_uom_qty, 1.0)
        self.assertFalse(rma.refund_move_ids)

    def test_5_food_complaint_with_courier_pickup(self):
        """An agent records a food complaint by phone and a return collected by
        a courier; approval sets the pickup slot; after receipt and inspection
        the customer is refunded."""
        order = self._deliver_and_invoice("SO-FOOD-1", self.customer, self.jerky, 3)
        invoice = order.invoice_ids
        self.start_tour(
            self._case_url(), "pet_aftersales_process_food_pickup", login="as_agent"
        )
        case = self.env["aftersales.case"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(case.category_id.code, "food_safety")
        rma = case.rma_ids
        self.assertEqual(len(rma), 1)
        self.assertEqual((rma.resolution, rma.return_method), ("refund", "pickup"))
        self.assertEqual(rma.pickup_address_id, self.customer)
        self.assertEqual(rma.line_ids.quantity, 3.0)
        self._run_return_back_office(rma, "as_supervisor")
        self.assertTrue(rma.pickup_date)
        self.assertEqual(rma.refund_move_ids.amount_total, invoice.amount_total)
