from odoo import Command
from odoo.exceptions import AccessError

from .common import AftersalesCaseCommon


class TestCaseAccess(AftersalesCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_case = cls._create_case(name="Team case")
        cls.other_case = cls._create_case(
            name="Other team case", category_id=False, team_id=cls.other_team.id
        )
        cls.own_case = cls._create_case(
            name="Assigned to outsider",
            category_id=False,
            team_id=cls.team.id,
            user_id=cls.outsider_agent.id,
        )
        cls.all_cases = cls.team_case | cls.other_case | cls.own_case

    def _visible(self, user):
        return (
            self.env["aftersales.case"]
            .with_user(user)
            .search([("id", "in", self.all_cases.ids)])
        )

    def test_agent_sees_the_cases_of_their_teams(self):
        self.assertEqual(self._visible(self.agent), self.team_case | self.own_case)
        self.assertEqual(
            self._visible(self.outsider_agent), self.other_case | self.own_case
        )
        with self.assertRaises(AccessError):
            self.other_case.with_user(self.agent).read(["name"])

    def test_agent_opens_a_case_for_another_team(self):
        """Front-line intake: an agent logs a case that routes to a team they
        are not in, and keeps seeing it; that team's agents see it too."""
        case = (
            self.env["aftersales.case"]
            .with_user(self.agent)
            .create(
                {
                    "name": "Caller asks about the other team's product",
                    "partner_id": self.customer.id,
                    "team_id": self.other_team.id,
                }
            )
        )
        self.assertEqual(case.team_id, self.other_team)
        self.assertEqual(case.with_user(self.agent).name, case.name)
        self.assertIn(case, self._visible_all(self.outsider_agent))
        self.assertNotIn(case, self._visible_all(self.agent2))

    def _visible_all(self, user):
        return self.env["aftersales.case"].with_user(user).search([])

    def test_team_changes_apply_at_once(self):
        """The rule lists the agent's teams: joining, leading or leaving a
        team changes what they see without waiting for a cache to expire."""
        self.assertNotIn(self.other_case, self._visible(self.agent))
        self.other_team.member_ids = [Command.link(self.agent.id)]
        self.assertIn(self.other_case, self._visible(self.agent))
        self.other_team.member_ids = [Command.unlink(self.agent.id)]
        self.assertNotIn(self.other_case, self._visible(self.agent))
        self.other_team.user_id = self.agent
        self.assertIn(self.other_case, self._visible(self.agent))
        # an archived team's cases stay with its people
        self.other_team.action_archive()
        self.assertIn(self.other_case, self._visible(self.agent))
        new_team = self.env["aftersales.team"].create(
            {"name": "Night shift", "member_ids": [Command.set(self.agent2.ids)]}
        )
        night_case = self._create_case(
            name="Night case", category_id=False, team_id=new_team.id
        )
        self.assertTrue(
            self.env["aftersales.case"]
            .with_user(self.agent2)
            .search([("id", "=", night_case.id)])
        )

    def test_supervisor_and_manager_see_all(self):
        self.assertEqual(self._visible(self.supervisor), self.all_cases)
        self.assertEqual(self._visible(self.manager), self.all_cases)

    def test_agent_cannot_delete_or_configure(self):
        with self.assertRaises(AccessError):
            self.team_case.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.agent).write({"response_hours": 99})
        self.team_case.with_user(self.supervisor).unlink()

    def test_internal_user_without_role_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["aftersales.case"].with_user(self.internal_user).search([])

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Pet Shop Shanghai"})
        team_b = self.env["aftersales.team"].create(
            {"name": "Shanghai desk", "company_id": other.id}
        )
        case_b = self.env["aftersales.case"].create(
            {
                "name": "Shanghai case",
                "partner_id": self.customer.id,
                "team_id": team_b.id,
                "company_id": other.id,
            }
        )
        self.assertTrue(case_b.reference)
        self.assertFalse(
            self.env["aftersales.case"]
            .with_user(self.manager)
            .search([("id", "=", case_b.id)])
        )
        self.manager.company_ids = [Command.link(other.id)]
        self.assertEqual(
            self.env["aftersales.case"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([("id", "=", case_b.id)]),
            case_b,
        )
        # the priority matrix of a new company is filled
        self.assertEqual(
            self.env["aftersales.priority.rule"].search_count(
                [("company_id", "=", other.id)]
            ),
            9,
        )
