"""Time a recall of one lot delivered to 50,000 customers (issue 19).

Fixtures are bulk-inserted with SQL in the measuring transaction, which is
rolled back at the end: the database is left as it was. Per customer: one
done delivery in two steps (stock -> output, output -> customer); one
customer in ten sent a unit back. Timed: the first trace (50,000 lines
created), a re-trace (50,000 lines updated, none duplicated) and one cron
batch of notices (500 mails queued).

    bench/recall_trace.sh   (or: PYTHONPATH=$ODOO_PATH:bench python
    bench/recall_trace.py -c odoo.conf -d DB, DB with pet_aftersales)
"""

import time

from common import environment, parse_args

from odoo import Command
from odoo.tools import SQL

CUSTOMERS = 50_000
RETURN_EVERY = 10


def load(env):
    company = env.company
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    stock, output = warehouse.lot_stock_id, warehouse.wh_output_stock_loc_id
    customers = env.ref("stock.stock_location_customers")
    product = env["product.product"].create(
        {"name": "Bench Recall Kibble", "is_storable": True, "tracking": "lot"}
    )
    lot = env["stock.lot"].create({"name": "BENCH-RCL-1", "product_id": product.id})
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_recall_partner ON COMMIT DROP AS
            WITH new AS (
                INSERT INTO res_partner (name, email, active, type, lang,
                       is_company, autopost_bills, create_uid, write_uid,
                       create_date, write_date)
                SELECT 'Recall Customer ' || g, 'recall' || g || '@example.com',
                       TRUE, 'contact', 'en_US', FALSE, 'ask', 1, 1, now(), now()
                  FROM generate_series(1, %(n)s) g
                RETURNING id
            ) SELECT id, row_number() OVER (ORDER BY id) AS n FROM new
            """,
            n=CUSTOMERS,
        )
    )
    env.cr.execute(
        "UPDATE res_partner p SET commercial_partner_id = p.id "
        "FROM bench_recall_partner b WHERE b.id = p.id"
    )
    # (src, dest, sign) legs per customer: pick, ship, and some returns
    legs = [
        (stock.id, output.id, SQL("TRUE")),
        (output.id, customers.id, SQL("TRUE")),
        (customers.id, stock.id, SQL("mod(b.n, %s) = 0", RETURN_EVERY)),
    ]
    for src, dest, where in legs:
        env.cr.execute(
            SQL(
                """
                WITH moves AS (
                    INSERT INTO stock_move (name, company_id, product_id,
                           product_uom, product_uom_qty, product_qty, quantity,
                           location_id, location_dest_id, partner_id, state,
                           procure_method, date, picked,
                           create_uid, write_uid, create_date, write_date)
                    SELECT 'Bench recall', %(company)s, %(product)s, %(uom)s,
                           CASE WHEN %(dest)s = %(stock)s THEN 1 ELSE 3 END,
                           CASE WHEN %(dest)s = %(stock)s THEN 1 ELSE 3 END,
                           CASE WHEN %(dest)s = %(stock)s THEN 1 ELSE 3 END,
                           %(src)s, %(dest)s, b.id, 'done',
                           'make_to_stock', now(), TRUE, 1, 1, now(), now()
                      FROM bench_recall_partner b
                     WHERE %(where)s
                    RETURNING id, quantity, partner_id
                )
                INSERT INTO stock_move_line (move_id, company_id, product_id,
                       product_uom_id, lot_id, quantity, quantity_product_uom,
                       location_id, location_dest_id, state, date, picked,
                       create_uid, write_uid, create_date, write_date)
                SELECT moves.id, %(company)s, %(product)s, %(uom)s, %(lot)s,
                       moves.quantity, moves.quantity, %(src)s, %(dest)s,
                       'done', now(), TRUE, 1, 1, now(), now()
                  FROM moves
                """,
                company=company.id,
                product=product.id,
                uom=product.uom_id.id,
                lot=lot.id,
                src=src,
                dest=dest,
                stock=stock.id,
                where=where,
            )
        )
    env.cr.execute("ANALYZE stock_move_line")
    env.cr.execute("ANALYZE stock_move")
    return product, lot


def timed(env, label, func):
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - start
    print(
        f"  {label}: {elapsed:.2f} s, {env.cr.sql_log_count - before} queries",
        flush=True,
    )
    return result


def main():
    args = parse_args(__doc__)
    with environment(args) as env:
        start = time.perf_counter()
        product, lot = load(env)
        print(
            f"  fixtures: {CUSTOMERS} customers, pick + ship each, "
            f"{CUSTOMERS // RETURN_EVERY} returns ({time.perf_counter() - start:.1f} s)"
        )
        recall = env["aftersales.recall"].create(
            {
                "product_ids": [Command.set(product.ids)],
                "lot_ids": [Command.set(lot.ids)],
                "reason": "Bench",
                "state": "open",
            }
        )
        timed(env, "first trace (lines created)", recall.action_trace)
        recall.invalidate_recordset()
        lines = len(recall.line_ids)
        shipped = recall.qty_shipped
        expected = CUSTOMERS * 3 - CUSTOMERS // RETURN_EVERY
        print(f"    {lines} lines, {shipped:.0f} units (expected {expected})")
        assert lines == CUSTOMERS and shipped == expected, (lines, shipped)
        timed(env, "re-trace (lines updated)", recall.action_trace)
        recall.invalidate_recordset()
        assert len(recall.line_ids) == CUSTOMERS
        timed(
            env,
            "one cron batch of notices (500)",
            lambda: env["aftersales.recall"]._cron_send_notices(batch_size=500),
        )
        timed(env, "effectiveness figures", lambda: recall._compute_figures())
        env.cr.rollback()


if __name__ == "__main__":
    main()
