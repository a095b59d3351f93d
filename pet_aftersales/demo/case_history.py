"""Demo only: six months of case history for the analysis (post_init_hook)."""

import random
from datetime import datetime, timedelta

from odoo import fields
from odoo.tools import SQL

# (month offset, cases, quality share, slowdown factor, satisfaction base)
# Five calm months, then a kibble lot goes bad: more quality cases, slower
# answers, satisfaction drops; the last month recovers.
HISTORY = [
    (6, 8, 0.1, 1.0, 92),
    (5, 9, 0.1, 1.0, 93),
    (4, 8, 0.15, 1.1, 90),
    (3, 10, 0.1, 1.0, 94),
    (2, 14, 0.5, 2.2, 68),
    (1, 10, 0.2, 1.3, 86),
]


def load_case_history(env):
    """Six months of resolved and rated cases, so that the analysis and
    its graph tell a story: a bad lot two months ago shows as a spike of
    quality cases, slower resolutions and a dip in satisfaction."""
    ref = env.ref
    rng = random.Random(2026)
    service = ref("pet_aftersales.aftersales_team_customer_service")
    quality = ref("pet_aftersales.aftersales_team_quality_demo")
    agents = [
        ref("pet_aftersales.aftersales_agent_demo"),
        ref("pet_aftersales.aftersales_agent_li_demo"),
    ]
    everyday = [
        ref("pet_aftersales.aftersales_category_delivery"),
        ref("pet_aftersales.aftersales_category_order"),
        ref("pet_aftersales.aftersales_category_advice"),
        ref("pet_aftersales.aftersales_category_experience"),
    ]
    quality_category = ref("pet_aftersales.aftersales_category_quality")
    kibble = ref("product.product_product_4")
    customers = [ref(f"base.res_partner_{n}") for n in (2, 3, 4, 10, 12)]
    channels = ["phone", "email", "chat", "social", "store", "web"]
    solved = ref("pet_aftersales.aftersales_stage_solved")
    today = fields.Date.context_today(env.user)
    first_of_month = today.replace(day=1)

    vals_list, dates = [], []
    for months_ago, count, quality_share, slowdown, satisfaction in HISTORY:
        month = first_of_month
        for _step in range(months_ago):
            month = (month - timedelta(days=1)).replace(day=1)
        for _index in range(count):
            is_quality = rng.random() < quality_share
            created = datetime.combine(
                month + timedelta(days=rng.randrange(27)),
                datetime.min.time(),
            ) + timedelta(hours=rng.randrange(8, 18))
            reply = created + timedelta(hours=rng.uniform(0.3, 4) * slowdown)
            resolved = reply + timedelta(hours=rng.uniform(4, 40) * slowdown)
            score = max(20, min(100, satisfaction + rng.randrange(-15, 10)))
            vals_list.append(
                {
                    "name": (
                        "Kibble smells off" if is_quality else "Question on an order"
                    ),
                    "partner_id": rng.choice(customers).id,
                    "channel": rng.choice(channels),
                    "category_id": (
                        quality_category if is_quality else rng.choice(everyday)
                    ).id,
                    "team_id": (quality if is_quality else service).id,
                    "user_id": rng.choice(agents).id,
                    "stage_id": solved.id,
                    "product_id": kibble.id if is_quality else False,
                    "solution": "return" if is_quality else "advice",
                }
            )
            dates.append(
                (
                    created,
                    reply,
                    resolved,
                    score if rng.random() < 0.6 else None,
                    int(rng.random() < (0.2 if is_quality else 0.04)),
                )
            )
    cases = (
        env["aftersales.case"]
        .with_context(tracking_disable=True, mail_create_nolog=True)
        .create(vals_list)
    )
    env.flush_all()
    # history: the dates a real past would have left (not settable by hand)
    for case, (created, reply, resolved, score, reopened) in zip(
        cases, dates, strict=True
    ):
        env.cr.execute(
            SQL(
                """
            UPDATE aftersales_case
               SET create_date = %s, sla_start_date = %s,
                   first_response_date = %s, resolved_date = %s,
                   csat_score = %s, reopen_count = %s,
                   feedback_state = %s
             WHERE id = %s
                """,
                created,
                created,
                reply,
                resolved,
                score,
                reopened,
                "done" if score is not None else "none",
                case.id,
            )
        )
    # demo records by name, so that uninstalling removes them with the rest
    # of the demo (before the stages they point to)
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": f"pet_aftersales.aftersales_case_history_{index}_demo",
                "record": case,
                "noupdate": True,
            }
            for index, case in enumerate(cases, 1)
        ]
    )
    cases.invalidate_recordset()
    cases.modified(
        [
            "first_response_date",
            "resolved_date",
            "sla_start_date",
            "csat_score",
            "reopen_count",
        ]
    )
    env.flush_all()
    return cases
