from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSlaPolicyTour(HttpCase):
    def test_manager_picks_the_team_of_a_policy(self):
        """Configuration > SLA Policies > New: the manager picks the existing
        team from the Team field instead of creating a duplicate."""
        self.env["ir.qweb"]._get_asset_bundle("web.assets_tests", css=False).js()
        team = self.env.ref("pet_aftersales.aftersales_team_customer_service")
        teams_before = self.env["aftersales.team"].search_count([])
        self.start_tour(
            "/odoo/action-pet_aftersales.aftersales_sla_policy_action",
            "pet_aftersales_sla_policy_team",
            login="asmanager",
        )
        policy = self.env["aftersales.sla.policy"].search(
            [("name", "=", "Tour: night emergencies")]
        )
        self.assertEqual(policy.team_id, team)
        self.assertEqual(policy.clock, "calendar")
        self.assertEqual(self.env["aftersales.team"].search_count([]), teams_before)
