from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCaseCommon


class TestCustomersList(AftersalesCaseCommon):
    """After-sales > Customers > Customer Overview: the partners the desk serves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.with_case = cls.customer
        cls._create_case(name="Leaking fountain")
        cls.with_pet = Partner.create({"name": "Ming Pet Owner"})
        cls.env["pet.profile"].create(
            {"name": "Doudou", "species": "dog", "partner_id": cls.with_pet.id}
        )
        cls.stranger = Partner.create({"name": "Never Called"})

    def _open_list(self, user, extra_domain=()):
        """What the list shows to ``user``: the action's domain and list view."""
        action = (
            self.env["ir.actions.act_window"]
            .with_user(user)
            ._for_xml_id("pet_aftersales.aftersales_customer_action")
        )
        domain = safe_eval(action["domain"]) + list(extra_domain)
        Partner = self.env["res.partner"].with_user(user)
        list_view = self.env.ref("pet_aftersales.res_partner_view_list_aftersales")
        views = Partner.get_views([(list_view.id, "list")])
        fields = views["models"]["res.partner"]["fields"]
        spec = {name: {} for name in fields if name != "company_id"}
        result = Partner.web_search_read(domain, spec)
        return {row["id"]: row for row in result["records"]}

    def test_agent_sees_customers_with_history(self):
        rows = self._open_list(self.agent)
        self.assertIn(self.with_case.id, rows)
        self.assertIn(self.with_pet.id, rows)
        self.assertNotIn(self.stranger.id, rows)
        self.assertEqual(rows[self.with_case.id]["aftersales_case_count"], 1)
        self.assertEqual(rows[self.with_case.id]["aftersales_pet_count"], 0)
        self.assertEqual(rows[self.with_pet.id]["aftersales_pet_count"], 1)
        self.assertEqual(rows[self.with_pet.id]["aftersales_case_count"], 0)

    def test_unsatisfied_follows_the_settings(self):
        self.with_case.csat_average = 50.0
        self.with_pet.csat_average = 80.0
        unsatisfied = [("aftersales_unsatisfied", "=", True)]
        self.assertEqual(
            list(self._open_list(self.agent, unsatisfied)), [self.with_case.id]
        )
        self.company.aftersales_csat_reopen_threshold = 90.0
        self.assertEqual(
            sorted(self._open_list(self.agent, unsatisfied)),
            sorted([self.with_case.id, self.with_pet.id]),
        )
        # never rated is not unsatisfied
        self.with_case.csat_average = 0.0
        self.assertEqual(
            list(self._open_list(self.agent, unsatisfied)), [self.with_pet.id]
        )
        satisfied = self._open_list(
            self.agent, [("aftersales_unsatisfied", "=", False)]
        )
        self.assertIn(self.with_case.id, satisfied)
        self.assertNotIn(self.with_pet.id, satisfied)

    def test_open_cases_filter(self):
        rows = self._open_list(
            self.agent, [("aftersales_case_ids.is_closed", "=", False)]
        )
        self.assertEqual(list(rows), [self.with_case.id])

    def test_menu_is_in_the_agents_app(self):
        """Agents find it under After-sales > Customers; other users don't."""
        root = self.env.ref("pet_aftersales.pet_aftersales_menu_root")
        menu = self.env.ref("pet_aftersales.aftersales_customer_menu")
        self.assertEqual(menu.parent_id.parent_id, root)
        Menu = self.env["ir.ui.menu"]
        self.assertLessEqual(
            {root.id, menu.id}, Menu.with_user(self.agent)._visible_menu_ids()
        )
        self.assertNotIn(
            root.id, Menu.with_user(self.internal_user)._visible_menu_ids()
        )


@tagged("post_install", "-at_install")
class TestCustomersTour(AftersalesCaseCommon, HttpCase):
    def test_agent_opens_the_customers_list(self):
        self.env["ir.qweb"]._get_asset_bundle("web.assets_tests", css=False).js()
        self.customer.name = "Tour Customer Wang"
        self._create_case(name="Cat fountain pump noisy")
        self.env["res.partner"].create({"name": "Tour Stranger"})
        self.start_tour(
            "/odoo/action-pet_aftersales.aftersales_case_action",
            "pet_aftersales_customers",
            login=self.agent.login,
        )
