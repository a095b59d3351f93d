import importlib.util
import json
from pathlib import Path

from odoo.tests import TransactionCase
from odoo.tools import SQL


def _load_migration(version, name):
    path = Path(__file__).parents[1] / "migrations" / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"pa_{name}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestChecklistMigration(TransactionCase):
    def test_html_checklists_become_steps_with_their_translations(self):
        """A category a user made before 18.0.1.3.0 keeps its checklist: the
        HTML list becomes step records, translations included, and the old
        column goes."""
        self.env["res.lang"]._activate_lang("zh_CN")
        own = self.env["aftersales.category"].create({"name": "Own", "code": "own"})
        shipped = self.env.ref("pet_aftersales.aftersales_category_quality")
        shipped_steps = shipped.checklist_step_ids
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE aftersales_category ADD COLUMN checklist jsonb"))
        cr.execute(
            SQL(
                "UPDATE aftersales_category SET checklist = %s WHERE id = %s",
                json.dumps(
                    {
                        "en_US": "<ol><li>Ask for a photo</li>"
                        "<li>Check  the\nlot</li></ol>",
                        "zh_CN": "<ol><li>索取照片</li><li>检查批次</li></ol>",
                    }
                ),
                own.id,
            )
        )
        cr.execute(
            SQL(
                "UPDATE aftersales_category SET checklist = %s WHERE id = %s",
                json.dumps({"en_US": "<ol><li>Old shipped step</li></ol>"}),
                shipped.id,
            )
        )
        _load_migration("18.0.1.3.0", "post-migrate").migrate(cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(
            own.checklist_step_ids.mapped("name"), ["Ask for a photo", "Check the lot"]
        )
        self.assertEqual(
            own.with_context(lang="zh_CN").checklist_step_ids.mapped("name"),
            ["索取照片", "检查批次"],
        )
        # the shipped categories have their steps from the data file already
        self.assertEqual(shipped.checklist_step_ids, shipped_steps)
        cr.execute(
            SQL(
                "SELECT 1 FROM information_schema.columns "
                "WHERE table_name = 'aftersales_category' AND column_name = 'checklist'"
            )
        )
        self.assertFalse(cr.fetchall())


class TestPartnerFieldPrefix(TransactionCase):
    def test_key_customer_flag_keeps_its_values_under_the_prefix(self):
        """Up to 18.0.1.2.0 the flag was res.partner.key_customer_manual."""
        partner = self.env["res.partner"].create(
            {"name": "Key by hand", "aftersales_key_customer_manual": True}
        )
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "ALTER TABLE res_partner RENAME COLUMN "
                "aftersales_key_customer_manual TO key_customer_manual"
            )
        )
        cr.execute(
            SQL(
                "UPDATE ir_model_fields SET name = 'key_customer_manual' "
                "WHERE model = 'res.partner' "
                "AND name = 'aftersales_key_customer_manual'"
            )
        )
        # the partner form of 18.0.1.2.0 names the old field, and Odoo checks
        # it with the other partner views while it reloads the new ones
        view = self.env.ref("pet_aftersales.view_partner_form_feedback")
        cr.execute(
            SQL(
                "UPDATE ir_ui_view SET arch_db = replace(arch_db::text, "
                "'aftersales_key_customer_manual', 'key_customer_manual')::jsonb "
                "WHERE id = %s",
                view.id,
            )
        )
        _load_migration("18.0.1.3.0", "pre-migrate").migrate(cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertIn('name="aftersales_key_customer_manual"', view.arch_db)
        self.assertNotIn('"key_customer_manual"', view.arch_db)
        self.assertTrue(partner.aftersales_key_customer_manual)
        self.assertTrue(partner.is_key_customer)
        # the same field record: its tracking history stays in the chatter
        cr.execute(
            SQL(
                "SELECT name FROM ir_model_fields WHERE model = 'res.partner' "
                "AND name LIKE %s",
                "%key_customer_manual",
            )
        )
        self.assertEqual(cr.fetchall(), [("aftersales_key_customer_manual",)])


class TestRecallTemplatesMigration(TransactionCase):
    def test_unedited_recall_mails_get_the_new_text_edited_ones_stay(self):
        notice = self.env.ref("pet_aftersales.mail_template_recall_notice")
        reminder = self.env.ref("pet_aftersales.mail_template_recall_reminder")
        self.env.flush_all()
        cr = self.env.cr
        for template in notice | reminder:
            cr.execute(
                SQL(
                    "UPDATE mail_template SET body_html = %s, write_date = %s "
                    "WHERE id = %s",
                    json.dumps({"en_US": "<p>Old text</p>"}),
                    template.create_date,
                    template.id,
                )
            )
        # the reminder was edited by someone since it was installed
        cr.execute(
            SQL(
                "UPDATE mail_template SET write_date = now() + interval '1 day' "
                "WHERE id = %s",
                reminder.id,
            )
        )
        self.env.invalidate_all()
        _load_migration("18.0.1.3.0", "post-migrate").migrate(cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertIn("notice_sibling_ids", notice.body_html)
        self.assertEqual(reminder.body_html, "<p>Old text</p>")
