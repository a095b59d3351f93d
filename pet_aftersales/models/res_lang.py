from odoo import Command, api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _aftersales_install_languages(self, codes):
        """Install languages as Settings > Languages > Add does: activate them
        and load Odoo's own translations of every installed module, so that a
        Chinese customer's portal and a Chinese agent's screens are Chinese
        throughout, not only where this addon speaks."""
        langs = self.with_context(active_test=False).search([("code", "in", codes)])
        wizard = self.env["base.language.install"].create(
            {"lang_ids": [Command.set(langs.ids)], "overwrite": False}
        )
        wizard.lang_install()
        return True
