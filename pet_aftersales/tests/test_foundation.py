from odoo.tests import HttpCase, tagged

from .common import AftersalesCommon


class TestFoundation(AftersalesCommon):
    def test_addon_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "pet_aftersales")])
        self.assertEqual(module.state, "installed")

    def test_roles_are_a_chain(self):
        """A manager is a supervisor is an agent; an agent is no supervisor."""
        self.assertTrue(
            self.manager.has_group("pet_aftersales.pet_aftersales_group_supervisor")
        )
        self.assertTrue(
            self.manager.has_group("pet_aftersales.pet_aftersales_group_agent")
        )
        self.assertFalse(
            self.agent.has_group("pet_aftersales.pet_aftersales_group_supervisor")
        )

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_app_menu_visible_to_agents_only(self):
        root = self.env.ref("pet_aftersales.pet_aftersales_menu_root")
        self.assertIn(root.id, self._visible_menus(self.agent))
        self.assertIn(root.id, self._visible_menus(self.manager))
        self.assertNotIn(root.id, self._visible_menus(self.internal_user))

    def test_settings_block_for_managers(self):
        """The After-sales block of Settings is part of the settings form."""
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="pet_aftersales"', arch)


@tagged("post_install", "-at_install")
class TestFoundationTour(HttpCase):
    def test_agent_opens_the_app(self):
        """The demo agent opens the After-sales app in a real browser."""
        self.start_tour("/odoo", "pet_aftersales_open_app", login="agent")
