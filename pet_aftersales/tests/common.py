from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


def core_queries(env, floor, newest=None):
    """The exact query count of a pinned path on the Odoo 18.0 tree under test.

    Core itself costs a few queries more on some paths in later 18.0 patch
    levels than in the first 18.0 (the floor): each pin stays exact per tree.
    The newer trees are told apart by an API the first 18.0 lacks.
    """
    newer = hasattr(type(env["stock.return.picking"]), "action_create_returns_all")
    return newest if newer and newest is not None else floor


class AftersalesCommon(BaseCommon):
    """Users of every after-sales role, shared by the addon's tests."""

    @contextmanager
    def assertQueryCount(self, default=0, flush=True, **counters):
        """Exact pins: core only fails a count above the pin (a lower one is
        logged at INFO); fail below it too, so a pin always states the cost."""
        expected = counters.get(self.env.user.login, default)
        with super().assertQueryCount(default, flush=flush, **counters):
            count0 = self.cr.sql_log_count
            yield
        count = self.cr.sql_log_count - count0
        if self.warm and count < expected:
            with self.subTest():  # as core does: the test goes on
                self.fail(f"Query count less than expected: {count} < {expected}")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.agent = new_test_user(
            cls.env,
            login="as_agent",
            name="Alice Agent",
            email="alice.agent@example.com",
            groups="pet_aftersales.pet_aftersales_group_agent",
        )
        cls.supervisor = new_test_user(
            cls.env,
            login="as_supervisor",
            name="Sam Supervisor",
            email="sam.supervisor@example.com",
            groups="pet_aftersales.pet_aftersales_group_supervisor",
        )
        cls.manager = new_test_user(
            cls.env,
            login="as_manager",
            name="Mia Manager",
            email="mia.manager@example.com",
            groups="pet_aftersales.pet_aftersales_group_manager",
        )
        cls.internal_user = new_test_user(
            cls.env, login="as_internal", name="Ivan Internal", groups="base.group_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Chen Mei",
                "email": "chen.mei@example.com",
                "phone": "+86 21 5555 0101",
            }
        )


class AftersalesCaseCommon(AftersalesCommon):
    """A team working Mon-Fri 09:00-17:00 UTC, its members and SLA policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env,
            login="as_agent2",
            name="Bob Agent",
            email="bob.agent@example.com",
            groups="pet_aftersales.pet_aftersales_group_agent",
        )
        cls.outsider_agent = new_test_user(
            cls.env,
            login="as_agent3",
            name="Olga Outsider",
            email="olga.outsider@example.com",
            groups="pet_aftersales.pet_aftersales_group_agent",
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Office 9-17 UTC",
                "tz": "UTC",
                "hours_per_day": 8.0,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 17.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "Care Team",
                "user_id": cls.supervisor.id,
                "member_ids": [Command.set([cls.agent.id, cls.agent2.id])],
                "resource_calendar_id": cls.calendar.id,
                "assignment_method": "manual",
            }
        )
        cls.other_team = cls.env["aftersales.team"].create(
            {"name": "Other Team", "member_ids": [Command.set(cls.outsider_agent.ids)]}
        )
        cls.policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Care standard",
                "team_id": cls.team.id,
                "priority": "0",
                "response_hours": 2.0,
                "resolution_hours": 8.0,
            }
        )
        cls.category = cls.env["aftersales.category"].create(
            {
                "name": "Leaking water fountain",
                "code": "test_fountain",
                "team_id": cls.team.id,
                "default_urgency": "low",
                "default_impact": "single",
                "checklist_step_ids": [
                    Command.create({"sequence": 10, "name": "Ask for a photo"}),
                    Command.create({"sequence": 20, "name": "Check the lot"}),
                    Command.create({"sequence": 30, "name": "Offer an exchange"}),
                ],
            }
        )
        cls.stage_new = cls.env.ref("pet_aftersales.aftersales_stage_new")
        cls.stage_solved = cls.env.ref("pet_aftersales.aftersales_stage_solved")
        cls.stage_cancelled = cls.env.ref("pet_aftersales.aftersales_stage_cancelled")

    @classmethod
    def _create_case(cls, **values):
        vals = {
            "name": "Fountain leaks",
            "partner_id": cls.customer.id,
            "category_id": cls.category.id,
        }
        vals.update(values)
        return cls.env["aftersales.case"].create(vals)
