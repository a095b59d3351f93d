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


def _form_spec(views, model, seen=()):
    """The web client's read specification of a form view: every field, the
    display name of many2ones, and the sub-views' fields of x2manys."""
    spec = {}
    fields = views["models"][model]["fields"]
    for name, field in fields.items():
        comodel = field.get("relation")
        if field["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field["type"] in ("one2many", "many2many"):
            sub = (
                _form_spec(views, comodel, (*seen, model))
                if comodel in views["models"] and comodel not in seen
                else {"display_name": {}}
            )
            spec[name] = {"fields": sub}
        else:
            spec[name] = {}
    return spec


class TestCaseSaleOrderAccess(AftersalesCaseCommon):
    """Each after-sales role opens the sales order of a case, as the web
    client does (the form's fields, with its lines and optional products)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Water Fountain 2 L", "list_price": 40.0}
        )
        filter_pack = cls.env["product.product"].create(
            {"name": "Fountain Filters x4", "list_price": 12.0}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": product.id})],
                "sale_order_option_ids": [
                    Command.create(
                        {
                            "product_id": filter_pack.id,
                            "name": "Spare filters",
                            "quantity": 1,
                            "price_unit": 12.0,
                        }
                    )
                ],
            }
        )
        cls.order.action_confirm()
        cls.case = cls._create_case(sale_order_id=cls.order.id)

    def test_every_role_opens_the_sales_order_of_a_case(self):
        for user in (self.agent, self.supervisor, self.manager):
            with self.subTest(user=user.login):
                order = self.case.with_user(user).sale_order_id
                action = order.get_formview_action()
                self.assertEqual(action["res_id"], self.order.id)
                views = order.get_views([(action.get("view_id") or False, "form")])
                [values] = order.web_read(_form_spec(views, "sale.order"))
                self.assertEqual(values["name"], self.order.name)
                self.assertEqual(len(values["order_line"]), 1)
                self.assertEqual(
                    values["sale_order_option_ids"][0]["name"], "Spare filters"
                )

    def test_agent_reads_but_does_not_sell(self):
        order = self.order.with_user(self.agent)
        with self.assertRaises(AccessError):
            order.write({"note": "changed"})
        with self.assertRaises(AccessError):
            order.sale_order_option_ids.write({"quantity": 5})

    def test_user_form_says_which_inventory_and_invoicing_rights(self):
        """Settings > Users: the After-sales role field explains, per role,
        which Inventory / Invoicing rights it gives."""
        agent_group = self.env.ref("pet_aftersales.pet_aftersales_group_agent")
        fields = self.env["res.users"].fields_get()
        [role_field] = [
            field
            for name, field in fields.items()
            if name.startswith("sel_groups_")
            and agent_group.id in [key for key, __ in field["selection"]]
        ]
        for role in ("Agent", "Supervisor", "Manager"):
            self.assertIn(role, role_field["help"])
        self.assertIn("Inventory / User", role_field["help"])
        self.assertIn(
            "without any Sales, Inventory or Invoicing role", role_field["help"]
        )
