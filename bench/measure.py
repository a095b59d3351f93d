"""Time the after-sales hot paths on the loaded bench database.

Each measure runs in its own transaction, rolled back afterwards, so that
every repetition sees the same data. Prints min / median / max wall-clock
seconds and the number of SQL queries of one run.

    bench/run.sh   (loads pa_bench first, then calls this script)
"""

import statistics
import time

from common import environment, parse_args

from odoo import fields
from odoo.tools import SQL

NEW_CASES = 1_000
RESULTS = []


def queries(env):
    return env.cr.sql_log_count


def measure(env, label, func, runs=5, prepare=None, target=None):
    """Run ``prepare`` (untimed) then ``func`` (timed) ``runs`` times, each in
    a transaction rolled back afterwards."""
    timings, counts = [], []
    extra = None
    for _run in range(runs):
        env.invalidate_all()
        env.registry.clear_cache()
        if prepare:
            prepare()
            env.flush_all()
            env.invalidate_all()
        before = queries(env)
        start = time.perf_counter()
        extra = func()
        env.flush_all()
        timings.append(time.perf_counter() - start)
        counts.append(queries(env) - before)
        env.cr.rollback()
    row = {
        "label": label,
        "min": min(timings),
        "median": statistics.median(timings),
        "max": max(timings),
        "queries": counts[-1],
        "runs": runs,
        "target": target or "",
        "extra": extra if isinstance(extra, str) else "",
    }
    RESULTS.append(row)
    print(
        f"  {label}: min {row['min']:.3f} s, median {row['median']:.3f} s, "
        f"max {row['max']:.3f} s, {row['queries']} queries {row['extra']}",
        flush=True,
    )
    return row


def new_case_rows(env, count):
    """Rows of ``count`` new cases like the loaded ones, created now."""
    env.cr.execute(
        SQL(
            """
        SELECT 'Bench new case ' || g, c.partner_id, c.company_id, c.channel,
               c.team_id, c.user_id, c.category_id,
               (SELECT id FROM aftersales_stage WHERE NOT is_closed
                 ORDER BY sequence, id LIMIT 1), c.urgency,
               c.impact, c.product_id, c.lot_id
          FROM generate_series(1, %s) g
          JOIN aftersales_case c ON c.id = (
               SELECT max(id) FROM aftersales_case) - 5000 - g * 97
          JOIN aftersales_category cat ON cat.id = c.category_id
         WHERE cat.code != 'pet_health'
            """,
            count,
        )
    )
    return env.cr.fetchall()


def insert_cases_raw(env, rows):
    now = fields.Datetime.now()
    for i, row in enumerate(rows):
        env.cr.execute(
            SQL(
                """
            INSERT INTO aftersales_case (name, partner_id, company_id, channel,
                   team_id, user_id, category_id, stage_id, urgency, impact,
                   product_id, lot_id, reference, is_closed, active,
                   kanban_state, priority, responsibility, solution,
                   feedback_state, sla_start_date, create_uid, write_uid,
                   create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, FALSE,
                    TRUE, 'normal', '1', 'undetermined', 'none', 'none', %s, 1, 1,
                    %s, %s)
                """,
                *row,
                f"AS/RAW/{i:05d}",
                now,
                now,
                now,
            )
        )


def create_cases_orm(env, rows, **context):
    keys = (
        "name",
        "partner_id",
        "company_id",
        "channel",
        "team_id",
        "user_id",
        "category_id",
        "stage_id",
        "urgency",
        "impact",
        "product_id",
        "lot_id",
    )
    env["aftersales.case"].with_context(**context).create(
        [dict(zip(keys, row, strict=True)) for row in rows]
    )


def kanban_spec(env):
    views = env["aftersales.case"].get_views([(False, "kanban")])
    spec = {}
    for fname, field in views["models"]["aftersales.case"]["fields"].items():
        if field["type"] in ("many2one", "many2many", "one2many"):
            spec[fname] = {"fields": {"display_name": {}}}
        else:
            spec[fname] = {}
    return spec


def run(env):
    Alert = env["aftersales.alert"]
    Case = env["aftersales.case"]
    manager = env["res.users"].search([("login", "=", "bench_manager")])
    agent = env["res.users"].search([("login", "=", "bench_agent_0")])
    print(f"  cases: {Case.search_count([])}, alerts: {Alert.search_count([])}")

    # First detection on the loaded history: raises the initial alerts (kept).
    start = time.perf_counter()
    Alert._cron_detect()
    env.cr.commit()
    print(
        f"  first alert detection on the history: "
        f"{time.perf_counter() - start:.1f} s, "
        f"{Alert.search_count([])} alerts open",
        flush=True,
    )

    measure(env, "alert cron, nothing new", Alert._cron_detect, target="< 2 s")
    rows = new_case_rows(env, NEW_CASES)
    measure(
        env,
        f"alert cron, {NEW_CASES} new cases",
        Alert._cron_detect,
        runs=3,
        prepare=lambda: insert_cases_raw(env, rows),
        target="< 5 s",
    )
    crons = sorted(
        name
        for name in dir(type(Case))
        if name.startswith("_cron_") and callable(getattr(type(Case), name))
    )
    if not crons:
        print("  no aftersales.case cron on this branch (SLA escalation absent)")
    for name in crons:
        measure(
            env,
            f"aftersales.case.{name}, nothing new",
            getattr(Case, name),
            target="< 2 s",
        )
        measure(
            env,
            f"aftersales.case.{name}, {NEW_CASES} new cases",
            getattr(Case, name),
            runs=3,
            prepare=lambda: insert_cases_raw(env, rows),
            target="< 5 s",
        )

    measures = [
        "nbr:sum",
        "first_response_hours:avg",
        "resolution_hours:avg",
        "sla_met_rate:avg",
        "reopen_rate:avg",
        "csat_score:avg",
    ]
    monthly = env["aftersales.case.report.monthly"]
    measure(
        env,
        "case analysis refresh (hourly cron, all cases)",
        monthly._aftersales_refresh,
        runs=3,
        target="background",
    )
    env.cr.rollback()
    monthly._aftersales_refresh()
    env.cr.commit()
    analysis = monthly.with_user(manager)
    measure(
        env,
        "case analysis read_group team x month (manager)",
        lambda: f"{len(analysis.read_group([], measures, ['team_id', 'month:month'], lazy=False))} groups",  # noqa: E501
        target="< 1 s",
    )
    details = env["aftersales.case.report"].with_user(manager)
    measure(
        env,
        "case details (live, per case) read_group team x month (manager)",
        lambda: f"{len(details.read_group([], measures, ['team_id', 'date:month'], lazy=False))} groups",  # noqa: E501
    )
    spec = kanban_spec(env)
    agent_cases = Case.with_user(agent)

    def kanban(limit):
        # count_limit as the web client sends it (DEFAULT_COUNT_LIMIT + 1)
        result = agent_cases.web_search_read([], spec, limit=limit, count_limit=10001)
        return f"{len(result['records'])} records"

    def kanban_opened():
        """What the web client does when an agent opens Cases: the kanban
        grouped by stage on the default "Open" filter, i.e. one read_group by
        stage then the first 40 cards of every column."""
        domain = [("is_closed", "=", False)]
        groups = agent_cases.web_read_group(domain, [], ["stage_id"], lazy=True)
        cards = 0
        for group in groups["groups"]:
            if group["stage_id_count"]:
                result = agent_cases.web_search_read(
                    group["__domain"],
                    spec,
                    limit=40,
                    order="priority desc, resolution_deadline, id desc",
                    count_limit=10001,
                )
                cards += len(result["records"])
        return f"{len(groups['groups'])} columns, {cards} cards"

    measure(
        env,
        "case kanban, first 80 (agent)",
        lambda: kanban(80),
        target="< 0.3 s",
    )
    measure(
        env,
        "case kanban as the agent opens it (open cases by stage, 40 per column)",
        kanban_opened,
        target="< 0.3 s",
    )
    measure(
        env,
        "case kanban, first 20 (agent)",
        lambda: kanban(20),
        target="same queries as 80",
    )
    measure(
        env,
        f"create {NEW_CASES} cases, raw single-row INSERTs",
        lambda: insert_cases_raw(env, rows),
        runs=3,
    )
    measure(
        env,
        f"create {NEW_CASES} cases, ORM create (one batch)",
        lambda: create_cases_orm(env, rows),
        runs=3,
        target="< 10x raw",
    )
    measure(
        env,
        f"create {NEW_CASES} cases, ORM create, tracking_disable (import mode)",
        lambda: create_cases_orm(env, rows, tracking_disable=True),
        runs=3,
    )


def main():
    args = parse_args(__doc__)
    with environment(args) as env:
        env.cr.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'effective_cache_size', "
            "'maintenance_work_mem', 'max_parallel_workers_per_gather', "
            "'fsync', 'synchronous_commit', 'random_page_cost', 'jit') "
            "ORDER BY name"
        )
        print(
            "  PostgreSQL: "
            + ", ".join(f"{n}={s}{u or ''}" for n, s, u in env.cr.fetchall())
        )
        run(env)
        print("\n| measure | runs | min s | median s | max s | queries | target |")
        print("|---|---|---|---|---|---|---|")
        for row in RESULTS:
            print(
                f"| {row['label']} | {row['runs']} | {row['min']:.3f} | "
                f"{row['median']:.3f} | {row['max']:.3f} | {row['queries']} | "
                f"{row['target']} |"
            )


if __name__ == "__main__":
    main()
