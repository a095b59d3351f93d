from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCaseTour(HttpCase):
    def test_agent_closes_a_case(self):
        """An agent opens a case from the kanban, picks a solution, closes."""
        # build the test bundle (it holds the addon's tours) before the browser
        # starts, so that the page is ready within the browser's wait
        self.env["ir.qweb"]._get_asset_bundle("web.assets_tests", css=False).js()
        agent = new_test_user(
            self.env,
            login="tour_agent",
            password="tour_agent",
            name="Tina Tour-Agent",
            groups="pet_aftersales.pet_aftersales_group_agent",
        )
        team = self.env.ref("pet_aftersales.aftersales_team_customer_service")
        team.member_ids = [Command.link(agent.id)]
        customer = self.env["res.partner"].create(
            {"name": "Mia Catowner", "email": "mia@example.com"}
        )
        case = self.env["aftersales.case"].create(
            {
                "name": "Tour: scratched cat bowl",
                "partner_id": customer.id,
                "team_id": team.id,
                "user_id": agent.id,
                "channel": "phone",
            }
        )
        self.start_tour(
            "/odoo/action-pet_aftersales.aftersales_case_action",
            "pet_aftersales_case_close",
            login="tour_agent",
        )
        self.assertTrue(case.is_closed)
        self.assertEqual(case.solution, "exchange")
        self.assertTrue(case.callback_date)
