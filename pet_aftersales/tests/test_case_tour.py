from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCaseTour(HttpCase):
    def test_agent_closes_a_case(self):
        """The demo agent opens a case from the kanban, picks a solution, closes."""
        agent = self.env.ref("pet_aftersales.aftersales_agent_demo")
        case = self.env["aftersales.case"].create(
            {
                "name": "Tour: scratched cat bowl",
                "partner_id": self.env.ref("base.partner_demo_portal").id,
                "team_id": self.env.ref(
                    "pet_aftersales.aftersales_team_customer_service"
                ).id,
                "user_id": agent.id,
                "channel": "phone",
            }
        )
        self.start_tour(
            "/odoo/action-pet_aftersales.aftersales_case_action",
            "pet_aftersales_case_close",
            login="agent",
        )
        self.assertTrue(case.is_closed)
        self.assertEqual(case.solution, "exchange")
        self.assertTrue(case.callback_date)
