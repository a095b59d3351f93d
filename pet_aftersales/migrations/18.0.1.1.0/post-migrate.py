"""18.0.1.1.0: the agents' case rule lists their team ids (indexable) instead
of joining the team members in a sub-query, and lets agents see the cases
they opened for another team. The rule lives in a noupdate block, so an
update does not rewrite it by itself."""

from odoo import SUPERUSER_ID, api

AGENT_RULE = (
    "['|', '|', '|', ('team_id', '=', False), ('user_id', '=', user.id), "
    "('create_uid', '=', user.id), ('team_id', 'in', user.aftersales_team_ids.ids)]"
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref(
        "pet_aftersales.aftersales_case_rule_agent", raise_if_not_found=False
    )
    if rule:
        rule.domain_force = AGENT_RULE
