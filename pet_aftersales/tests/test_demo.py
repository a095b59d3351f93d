from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    """The demo history comes from the post-install hook, with demo data
    only: no model of it lives in the registry."""

    def test_hook_loaded_the_history(self):
        self.assertTrue(self.env.ref("base.module_pet_aftersales").demo)
        history = self.env["ir.model.data"].search_count(
            [
                ("module", "=", "pet_aftersales"),
                ("name", "=like", "aftersales_case_history_%_demo"),
            ]
        )
        self.assertGreaterEqual(history, 50)
        # six months of cases in the monthly analysis, without its cron
        months = {
            row.month for row in self.env["aftersales.case.report.monthly"].search([])
        }
        self.assertGreaterEqual(len(months), 6)
        # returns in every state of the demo story
        states = set(self.env["aftersales.rma"].search([]).mapped("state"))
        self.assertLessEqual(
            {"done", "received", "approved", "submitted", "rejected"}, states
        )
        for name in ("aftersales.case.demo", "aftersales.rma.demo"):
            self.assertNotIn(name, self.env.registry)
