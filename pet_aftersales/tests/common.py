from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class AftersalesCommon(BaseCommon):
    """Users of every after-sales role, shared by the addon's tests."""

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
