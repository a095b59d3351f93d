"""18.0.1.3.0: category checklists are step records (aftersales.category.step),
and the recall notice and reminder name all of a customer's recalled goods.

The shipped categories get their steps from the data file. Categories made
by users keep theirs: their HTML checklist is read once, here, into steps,
with the translations of each step, and the old column is dropped.
"""

from lxml import html as lxml_html

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists


def _steps(markup):
    if not markup:
        return []
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    items = [li.text_content() for li in root.iter("li")] or [
        p.text_content() for p in root.iter("p")
    ]
    return [" ".join(item.split()) for item in items if item.split()]


RECALL_TEMPLATES = (
    "pet_aftersales.mail_template_recall_notice",
    "pet_aftersales.mail_template_recall_reminder",
)


def _update_recall_templates(env):
    """The recall mails are noupdate data: load their new text, with its
    translations, unless someone edited them since they were installed."""
    for xmlid in RECALL_TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if template and template.write_date == template.create_date:
            template.reset_template()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _update_recall_templates(env)
    if not column_exists(cr, "aftersales_category", "checklist"):
        return
    cr.execute(
        SQL(
            """SELECT c.id, c.checklist FROM aftersales_category c
                WHERE c.checklist IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM aftersales_category_step s
                                   WHERE s.category_id = c.id)"""
        )
    )
    Step = env["aftersales.category.step"]
    for category_id, checklist in cr.fetchall():
        source = _steps(checklist.get("en_US"))
        steps = Step.create(
            [
                {"category_id": category_id, "sequence": index * 10, "name": name}
                for index, name in enumerate(source, 1)
            ]
        )
        for lang, markup in checklist.items():
            translated = _steps(markup)
            if lang == "en_US" or len(translated) != len(steps):
                continue
            for step, name in zip(steps, translated, strict=True):
                step.update_field_translations("name", {lang: name})
    cr.execute(SQL("ALTER TABLE aftersales_category DROP COLUMN checklist"))
