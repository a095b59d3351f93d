"""Fill the bench database with a realistic after-sales volume, fast.

Users, teams and categories go through the ORM (a handful of records); the
volume (200,000 customers, 5,000 lot-tracked products with 20,000 lots,
1,000,000 cases, 100,000 returns, 400,000 customer deliveries) is written
with INSERT ... SELECT generate_series, as an import would do it.

    bench/run.sh   (creates pa_bench and calls this script)
"""

import os
import time

from common import environment, parse_args

from odoo.fields import Command
from odoo.tools import SQL

# PA_BENCH_SCALE=0.01 makes a small smoke-test database.
SCALE = float(os.environ.get("PA_BENCH_SCALE", "1"))
CUSTOMERS = int(200_000 * SCALE)
PRODUCTS = int(5_000 * SCALE)
LOTS_PER_PRODUCT = 4
CASES = int(1_000_000 * SCALE)
RMAS = int(100_000 * SCALE)
DELIVERIES = int(400_000 * SCALE)
DAYS = 730


def step(env, label, query):
    start = time.perf_counter()
    env.cr.execute(query)
    print(
        f"  {label}: {env.cr.rowcount} rows in {time.perf_counter() - start:.1f} s",
        flush=True,
    )


def setup_orm(env):
    company = env.ref("base.main_company")
    agent_group = env.ref("pet_aftersales.pet_aftersales_group_agent")
    manager_group = env.ref("pet_aftersales.pet_aftersales_group_manager")
    users = env["res.users"].with_context(no_reset_password=True)
    agents = users.create(
        [
            {
                "name": f"Bench Agent {i}",
                "login": f"bench_agent_{i}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(agent_group.ids)],
            }
            for i in range(40)
        ]
    )
    users.create(
        {
            "name": "Bench Manager",
            "login": "bench_manager",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set(manager_group.ids)],
        }
    )
    teams = env["aftersales.team"].create(
        [
            {
                "name": f"Bench Team {i}",
                "company_id": company.id,
                "member_ids": [Command.set(agents[i * 4 : i * 4 + 4].ids)],
            }
            for i in range(10)
        ]
    )
    category = env["product.category"].create({"name": "Bench Pet Food"})
    return company, agents, teams, category


def load(env):
    company, agents, teams, categ = setup_orm(env)
    uom = env.ref("uom.product_uom_unit")
    customers_loc = env.ref("stock.stock_location_customers")
    stock_loc = (
        env["stock.warehouse"]
        .search([("company_id", "=", company.id)], limit=1)
        .lot_stock_id
    )
    categories = env["aftersales.category"].search([])
    quality = categories.filtered("is_quality")
    open_stage = env["aftersales.stage"].search(
        [("is_closed", "=", False)], order="sequence", limit=1
    )
    closed_stage = env["aftersales.stage"].search(
        [("is_closed", "=", True)], order="sequence", limit=1
    )
    reasons = env["aftersales.return.reason"].search([])
    env.cr.execute("SELECT setseed(0.42)")
    env.flush_all()
    step(
        env,
        "customers",
        SQL(
            """
        INSERT INTO res_partner (name, complete_name, email, active, type,
               is_company, customer_rank, supplier_rank, autopost_bills, lang,
               ref, company_id, create_uid, write_uid, create_date, write_date)
        SELECT 'Bench Customer ' || g, 'Bench Customer ' || g,
               'customer' || g || '@bench.example', TRUE, 'contact', FALSE,
               1, 0, 'ask', 'en_US', 'bench', NULL, 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %s) g
            """,
            CUSTOMERS,
        ),
    )
    # fresh statistics, else the planner walks the commercial_partner_id index
    # it is updating (minutes instead of a second on 200,000 rows)
    env.cr.execute("ANALYZE res_partner")
    env.cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id "
        "WHERE ref = 'bench' AND commercial_partner_id IS NULL"
    )
    step(
        env,
        "product templates",
        SQL(
            """
        INSERT INTO product_template (name, categ_id, type, is_storable,
               tracking, uom_id, uom_po_id, sale_line_warn, service_tracking,
               sale_ok, purchase_ok, active, list_price, invoice_policy,
               create_uid, write_uid, create_date, write_date)
        SELECT jsonb_build_object('en_US', 'Bench Pet Food ' || g), %s,
               'consu', TRUE, 'lot', %s, %s, 'no-message', 'no', TRUE, TRUE,
               TRUE, 5 + mod(g, 50), 'order', 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %s) g
            """,
            categ.id,
            uom.id,
            uom.id,
            PRODUCTS,
        ),
    )
    step(
        env,
        "product variants",
        SQL(
            """
        INSERT INTO product_product (product_tmpl_id, active, default_code,
               create_uid, write_uid, create_date, write_date)
        SELECT id, TRUE, 'BENCH-' || id, 1, 1, create_date, write_date
          FROM product_template WHERE categ_id = %s
            """,
            categ.id,
        ),
    )
    step(
        env,
        "lots",
        SQL(
            """
        INSERT INTO stock_lot (name, product_id, company_id, create_uid,
               write_uid, create_date, write_date)
        SELECT 'LOT-' || pp.id || '-' || k, pp.id, %s, 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         CROSS JOIN generate_series(1, %s) k
         WHERE pt.categ_id = %s
            """,
            company.id,
            LOTS_PER_PRODUCT,
            categ.id,
        ),
    )
    env.cr.execute(
        SQL(
            """
        CREATE TEMP TABLE bench_lot AS
        SELECT row_number() OVER (ORDER BY l.id) AS n, l.id AS lot_id,
               l.product_id
          FROM stock_lot l
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pt.categ_id = %s;
        CREATE TEMP TABLE bench_partner AS
        SELECT row_number() OVER (ORDER BY id) AS n, id
          FROM res_partner WHERE ref = 'bench';
        CREATE UNIQUE INDEX ON bench_lot (n);
        CREATE UNIQUE INDEX ON bench_partner (n);
            """,
            categ.id,
        )
    )
    lots = PRODUCTS * LOTS_PER_PRODUCT
    # Secondary indexes (trigram GIN ones above all) are rebuilt once after
    # the bulk insert instead of being maintained row by row.
    env.cr.execute(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE tablename = 'aftersales_case' AND indexdef NOT LIKE '%UNIQUE%'"
    )
    case_indexes = env.cr.fetchall()
    for name, _definition in case_indexes:
        env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    step(
        env,
        "cases",
        SQL(
            """
        WITH raw AS (
            SELECT g,
                   (now() AT TIME ZONE 'UTC')
                       - make_interval(secs => random() * %(days)s * 86400)
                       AS created,
                   1 + (random() * (%(lots)s - 1))::int AS lot_n,
                   1 + (random() * (%(customers)s - 1))::int AS partner_n,
                   random() AS r_product, random() AS r_cat, random() AS r_team,
                   random() AS r_close, random() AS r_csat, random() AS r_hours,
                   random() AS r_reopen
              FROM generate_series(1, %(cases)s) g
        ), picked AS (
            SELECT raw.*, bl.lot_id, bl.product_id, bp.id AS partner_id,
                   CASE WHEN r_cat < 0.3
                        THEN (%(quality)s)[1 + mod((r_cat * 1000)::int,
                                              array_length(%(quality)s, 1))]
                        ELSE (%(categories)s)[1 + mod((r_cat * 1000)::int,
                                              array_length(%(categories)s, 1))]
                   END AS category_id,
                   (%(teams)s)[1 + mod((r_team * 1000)::int, %(team_count)s)]
                       AS team_id,
                   (%(agents)s)[1 + mod((r_team * 1000)::int, %(team_count)s) * 4
                                 + mod(g, 4)] AS user_id,
                   created < (now() AT TIME ZONE 'UTC') - interval '14 days'
                       AND r_close < 0.9 AS closed
              FROM raw
              JOIN bench_lot bl ON bl.n = raw.lot_n
              JOIN bench_partner bp ON bp.n = raw.partner_n
        )
        INSERT INTO aftersales_case (name, reference, partner_id, email_from,
               company_id, channel, team_id, user_id, category_id, stage_id,
               is_closed, active, kanban_state, urgency, impact, priority,
               product_id, lot_id, responsibility, solution, response_deadline,
               resolution_deadline, first_response_date, resolved_date,
               first_response_hours, resolution_hours, sla_status,
               reopen_count, csat_score, feedback_state,
               sla_start_date, create_uid, write_uid, create_date, write_date)
        SELECT 'Bench case ' || g,
               'AS/BENCH/' || lpad(g::text, 7, '0'),
               partner_id, 'customer' || partner_id || '@bench.example', %(company)s,
               (ARRAY['phone', 'email', 'chat', 'social', 'store', 'portal',
                      'web'])[1 + mod(g, 7)],
               team_id, user_id, category_id,
               CASE WHEN closed THEN %(closed_stage)s ELSE %(open_stage)s END,
               closed, TRUE, 'normal',
               (ARRAY['low', 'medium', 'high'])[1 + mod(g, 3)],
               (ARRAY['single', 'single', 'several'])[1 + mod(g, 3)],
               (mod(g, 3) + (mod(g, 3) = 2)::int)::text,
               CASE WHEN r_product < 0.7 THEN product_id END,
               CASE WHEN r_product < 0.6 THEN lot_id END,
               'undetermined', CASE WHEN closed THEN 'advice' ELSE 'none' END,
               created + interval '4 hours', created + interval '48 hours',
               created + make_interval(secs => r_hours * 8 * 3600),
               CASE WHEN closed
                    THEN created + make_interval(secs => r_hours * 72 * 3600)
               END,
               -- the bench teams have no business hours: around the clock
               r_hours * 8, CASE WHEN closed THEN r_hours * 72 ELSE 0 END,
               CASE WHEN NOT closed THEN 'on_track'
                    WHEN r_hours * 72 <= 48 THEN 'met' ELSE 'failed' END,
               (r_reopen < 0.05)::int,
               CASE WHEN closed AND r_csat < 0.4
                    THEN round((55 + r_csat * 112)::numeric, 0) END,
               CASE WHEN closed AND r_csat < 0.4 THEN 'done' ELSE 'none' END,
               created, 1, 1, created, created
          FROM picked
            """,
            days=DAYS,
            lots=lots,
            customers=CUSTOMERS,
            cases=CASES,
            quality=quality.ids,
            categories=(
                categories - categories.filtered(lambda c: c.code == "pet_health")
            ).ids,
            teams=teams.ids,
            team_count=len(teams),
            agents=agents.ids,
            company=company.id,
            closed_stage=closed_stage.id,
            open_stage=open_stage.id,
        ),
    )
    env.cr.execute(
        "SELECT setval('aftersales_case_id_seq', (SELECT max(id) FROM aftersales_case))"
    )
    start = time.perf_counter()
    for _name, definition in case_indexes:
        env.cr.execute(definition)
    print(
        f"  {len(case_indexes)} case indexes rebuilt in "
        f"{time.perf_counter() - start:.1f} s"
    )
    env.cr.execute(
        "SELECT min(id) FROM aftersales_case WHERE reference LIKE 'AS/BENCH/%%'"
    )
    first_case_id = env.cr.fetchone()[0]
    step(
        env,
        "returns",
        SQL(
            """
        INSERT INTO aftersales_rma (name, partner_id, company_id, case_id,
               reason_id, resolution, return_method, state, policy_ok,
               shipping_paid_by, feedback_state, channel, create_uid, write_uid,
               create_date, write_date)
        SELECT 'RMA/BENCH/' || lpad(g::text, 6, '0'), c.partner_id,
               c.company_id, c.id,
               (%(reasons)s)[1 + mod(g, array_length(%(reasons)s, 1))],
               CASE WHEN mod(g, 4) = 0 THEN 'exchange' ELSE 'refund' END,
               'ship',
               (ARRAY['submitted', 'approved', 'received', 'done', 'done',
                      'done', 'rejected', 'cancelled'])[1 + mod(g, 8)],
               TRUE, 'company', 'none',
               CASE WHEN mod(g, 3) = 0 THEN 'backend' ELSE 'portal' END, 1, 1,
               c.create_date + interval '1 day', c.create_date + interval '1 day'
          FROM generate_series(1, %(rmas)s) g
          JOIN aftersales_case c ON c.id = %(first_case)s + g * 10 - 3
            """,
            first_case=first_case_id,
            reasons=reasons.ids,
            rmas=RMAS,
        ),
    )
    step(
        env,
        "return lines",
        SQL(
            """
        INSERT INTO aftersales_rma_line (rma_id, sequence, company_id,
               product_id, lot_id, uom_id, quantity, product_uom_qty,
               received_qty,
               inspection_result, create_uid, write_uid, create_date,
               write_date)
        SELECT r.id, 10, r.company_id, bl.product_id, bl.lot_id, %s,
               1 + mod(r.id, 3), 1 + mod(r.id, 3), 0, 'pending', 1, 1,
               r.create_date, r.create_date
          FROM aftersales_rma r
          JOIN bench_lot bl ON bl.n = 1 + mod(r.id::bigint * 7919, %s)
         WHERE r.name LIKE %s
            """,
            uom.id,
            lots,
            "RMA/BENCH/%",
        ),
    )
    step(
        env,
        "customer deliveries",
        SQL(
            """
        INSERT INTO stock_move (name, company_id, product_id, product_uom,
               product_uom_qty, product_qty, quantity, location_id,
               location_dest_id, partner_id, state, procure_method, date,
               create_uid, write_uid, create_date, write_date)
        SELECT 'Bench delivery', %(company)s, bl.product_id, %(uom)s, q, q, q,
               %(src)s, %(dest)s, bp.id, 'done', 'make_to_stock', d, 1, 1, d, d
          FROM (SELECT g, 1 + (random() * 60)::int AS q,
                       (now() AT TIME ZONE 'UTC')
                           - make_interval(secs => random() * %(days)s * 86400)
                           AS d
                  FROM generate_series(1, %(moves)s) g) m
          JOIN bench_lot bl ON bl.n = 1 + mod(m.g::bigint * 104729, %(lots)s)
          JOIN bench_partner bp ON bp.n = 1 + mod(m.g::bigint * 7, %(customers)s)
            """,
            company=company.id,
            uom=uom.id,
            src=stock_loc.id,
            dest=customers_loc.id,
            days=DAYS,
            moves=DELIVERIES,
            lots=lots,
            customers=CUSTOMERS,
        ),
    )
    env.cr.commit()
    env.cr.execute("ANALYZE")
    print("  loaded and analyzed")


def main():
    args = parse_args(__doc__)
    with environment(args) as env:
        if env["res.users"].search_count([("login", "=", "bench_manager")]):
            print("  pa_bench is already loaded")
            return
        start = time.perf_counter()
        load(env)
        print(f"  total load: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
