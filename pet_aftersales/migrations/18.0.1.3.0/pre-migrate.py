"""18.0.1.3.0: the fields this addon adds to res.partner carry its prefix:
key_customer_manual becomes aftersales_key_customer_manual. The values and
the field's tracking history in the chatter are kept: the field record is
renamed, not dropped and recreated."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column


def _rename_in_views(cr):
    """The addon's res.partner views name the fields by their new names
    before the view files are loaded again: Odoo checks each view with the
    others of the same model, some of which are not reloaded yet."""
    for old_name, new_name in (
        ("key_customer_manual", "aftersales_key_customer_manual"),
        ("pet_count", "aftersales_pet_count"),
    ):
        cr.execute(
            SQL(
                """UPDATE ir_ui_view v
                      SET arch_db = regexp_replace(
                              v.arch_db::text, %s, %s, 'g')::jsonb
                     FROM ir_model_data d
                    WHERE d.model = 'ir.ui.view' AND d.res_id = v.id
                      AND d.module = 'pet_aftersales'
                      AND v.model = 'res.partner'
                      AND v.arch_db::text ~ %s""",
                rf"(?<!aftersales_)\m{old_name}\M",
                new_name,
                rf"(?<!aftersales_)\m{old_name}\M",
            )
        )


def migrate(cr, version):
    _rename_in_views(cr)
    if column_exists(cr, "res_partner", "key_customer_manual") and not column_exists(
        cr, "res_partner", "aftersales_key_customer_manual"
    ):
        rename_column(
            cr, "res_partner", "key_customer_manual", "aftersales_key_customer_manual"
        )
        cr.execute(
            SQL(
                """UPDATE ir_model_fields SET name = 'aftersales_key_customer_manual'
                    WHERE model = 'res.partner' AND name = 'key_customer_manual'"""
            )
        )
        cr.execute(
            SQL(
                """UPDATE ir_model_data
                      SET name = 'field_res_partner__aftersales_key_customer_manual'
                    WHERE module = 'pet_aftersales'
                      AND name = 'field_res_partner__key_customer_manual'"""
            )
        )
