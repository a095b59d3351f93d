import threading
import time

from odoo import api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..controllers.portal_case import portal_accept_solution


@tagged("post_install", "-at_install")
class TestPortalAcceptRace(TransactionCase):
    """Two clicks on "Accept this solution" at once, in two real
    transactions: the solution is accepted once, and the second click is
    not refused because "a partner cannot follow twice the same object"."""

    def setUp(self):
        super().setUp()
        # Committed fixtures, seen by both transactions; removed afterwards.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].create(
                {"name": "Race Customer", "email": "race@example.com"}
            )
            case = env["aftersales.case"].create(
                {
                    "name": "Race: harness too small",
                    "partner_id": partner.id,
                    "category_id": env.ref(
                        "pet_aftersales.aftersales_category_delivery"
                    ).id,
                    "solution": "exchange",
                }
            )
            case.message_unsubscribe(partner_ids=partner.ids)
            self.case_id, self.partner_id = case.id, partner.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["aftersales.case"].browse(self.case_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _accept(self, env):
        case = env["aftersales.case"].browse(self.case_id)
        result = portal_accept_solution(case, case.partner_id)
        env.flush_all()
        return result

    def _first_click(self, accepted, errors, release):
        """Accepts, then keeps its transaction open until ``release``."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                accepted.append(self._accept(env))
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def _second_click(self, accepted, errors, started):
        """Retried on concurrency errors, as an HTTP request is."""
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                cr.execute("SELECT 1")  # its snapshot is taken now
                started.set()
                accepted.append(retrying(lambda: self._accept(env), env))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_two_clicks_at_once(self):
        accepted, errors = [], []
        release, started = threading.Event(), threading.Event()
        one = threading.Thread(
            target=self._first_click, args=(accepted, errors, release)
        )
        two = threading.Thread(
            target=self._second_click, args=(accepted, errors, started)
        )
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            one.start()
            # The first click has accepted; its transaction is still open.
            deadline = time.time() + 10
            while not accepted and not errors and time.time() < deadline:
                time.sleep(0.05)
            self.assertEqual(accepted, [True], errors)
            two.start()
            started.wait(10)
            time.sleep(1)  # the second click now waits on the first one
            release.set()
            one.join(20)
            two.join(30)
        self.assertFalse(errors)
        self.assertEqual(accepted, [True, False])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            case = env["aftersales.case"].browse(self.case_id)
            self.assertTrue(case.solution_confirmed_date)
            self.assertEqual(
                len(case.message_ids.filtered(lambda m: "I accept" in (m.body or ""))),
                1,
            )
            self.assertEqual(
                case.message_partner_ids & case.partner_id, case.partner_id
            )
