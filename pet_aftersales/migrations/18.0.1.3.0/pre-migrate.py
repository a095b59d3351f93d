"""18.0.1.3.0: the fields this addon adds to res.partner carry its prefix:
key_customer_manual becomes aftersales_key_customer_manual. The values and
the field's tracking history in the chatter are kept: the field record is
renamed, not dropped and recreated."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column


def migrate(cr, version):
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
