import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase

from .test_case_intake import NEW_MAIL, REPLY_MAIL

TO = "race-care@race.pets.example.com"


class TestCaseMailRace(TransactionCase):
    """The same mail delivered twice at once, in two real transactions.

    Fixtures are committed (both cursors must see them) and removed at the
    end. The first delivery commits only once the second one is blocked on a
    lock or done, so that without the lock both would pass core's
    Message-Id check.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            domain = env["mail.alias.domain"].create(
                {
                    "name": "race.pets.example.com",
                    "bounce_alias": "race-bounce",
                    "catchall_alias": "race-catchall",
                }
            )
            team = env["aftersales.team"].create(
                {
                    "name": "Race team",
                    "alias_name": "race-care",
                    "alias_domain_id": domain.id,
                }
            )
            team.alias_id.alias_status = "valid"
            self.domain_id, self.team_id = domain.id, team.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cases = (
                env["aftersales.case"]
                .with_context(active_test=False)
                .search([("team_id", "=", self.team_id)])
            )
            env["mail.mail"].search(
                [("model", "=", "aftersales.case"), ("res_id", "in", cases.ids)]
            ).unlink()
            env["aftersales.alert"].search([("case_ids", "in", cases.ids)]).unlink()
            cases.unlink()
            env["aftersales.team"].browse(self.team_id).unlink()
            # a new alias domain is given to the companies and aliases that
            # had none: take it back before removing it
            env["res.company"].search(
                [("alias_domain_id", "=", self.domain_id)]
            ).alias_domain_id = False
            env["mail.alias"].search(
                [("alias_domain_id", "=", self.domain_id)]
            ).alias_domain_id = False
            env["mail.alias.domain"].browse(self.domain_id).unlink()

    def _mail(self, template, **values):
        values.setdefault("to", TO)
        values.setdefault("email_from", "Li Na <li.na@example.com>")
        values.setdefault("extra_headers", "")
        values.setdefault("body", "The bag arrived torn.")
        values.setdefault("subject", "Torn bag")
        return template.format(**values)

    def _is_waiting(self, pid):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
            )
            row = cr.fetchone()
        return bool(row and row[0] == "Lock")

    @staticmethod
    def _gateway(env):
        """mail.thread as the one who delivers mail in real life: the user
        of Odoo's incoming mail job (OdooBot unless an admin changed it)."""
        cron = env.ref("mail.ir_cron_mail_gateway_action")
        return env["mail.thread"].with_user(cron.user_id)

    def _deliver_twice(self, raw):
        """Process ``raw`` in two transactions whose snapshots both start
        before either commits; return both results (or exceptions)."""
        results = {}
        barrier = threading.Barrier(2, timeout=30)
        first_done = threading.Event()

        def deliver(key):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute("SELECT pg_backend_pid()")
                results[f"{key}_pid"] = cr.fetchone()[0]
                barrier.wait()  # both snapshots are taken
                if key == "second":
                    first_done.wait(30)
                try:
                    results[key] = self._gateway(env).message_process(None, raw)
                except Exception as exc:  # noqa: BLE001 - reported below
                    results[key] = exc
                    cr.rollback()
                    return
                if key == "first":
                    first_done.set()
                    deadline = time.monotonic() + 15
                    while time.monotonic() < deadline and second.is_alive():
                        if self._is_waiting(results["second_pid"]):
                            break
                        time.sleep(0.05)
                # leaving the block commits

        first = threading.Thread(target=deliver, args=("first",))
        second = threading.Thread(target=deliver, args=("second",))
        first.start()
        second.start()
        first.join(60)
        second.join(60)
        return results

    def _cases(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cases = env["aftersales.case"].search([("team_id", "=", self.team_id)])
            return [(c.id, c.reopen_count, c.is_closed) for c in cases]

    def test_one_case_per_message_id(self):
        raw = self._mail(NEW_MAIL, msg_id="<race-new-1@example.com>")
        results = self._deliver_twice(raw)
        self.assertNotIsInstance(results["first"], Exception)
        self.assertNotIsInstance(results["second"], Exception)
        self.assertEqual(len(self._cases()), 1, "one case per Message-Id")
        self.assertFalse(results["second"], "the second delivery is dropped")

    def test_one_reopen_per_reply(self):
        # The deliveries run as the incoming mail job's user, who runs them in
        # production. The case opened and closed here is only the committed
        # fixture the race needs; closing as an agent is tested in
        # test_case_flow.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            case_id = self._gateway(env).message_process(
                None, self._mail(NEW_MAIL, msg_id="<race-new-2@example.com>")
            )
            case = env["aftersales.case"].browse(case_id)
            case.solution = "exchange"
            case.action_close()
        raw = self._mail(
            REPLY_MAIL,
            email_from="li.na@example.com",
            msg_id="<race-reply-2@example.com>",
            parent_id="<race-new-2@example.com>",
        )
        results = self._deliver_twice(raw)
        self.assertEqual(results["first"], case_id)
        self.assertNotIsInstance(
            results["second"], Exception, "the duplicate is dropped quietly"
        )
        self.assertEqual(self._cases(), [(case_id, 1, False)])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM mail_message WHERE message_id = %s",
                ["<race-reply-2@example.com>"],
            )
            self.assertEqual(cr.fetchone()[0], 1)
