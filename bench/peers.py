"""pet_aftersales side by side with the OCA peers in one database.

    bench/peers.sh   (builds pa_peers with pet_aftersales, rma, rma_sale and
                      helpdesk_mgmt installed, then calls this script)

Both sides run as the same user: the database's admin (not the superuser),
given the manager group of every app involved. Every timed run is its own
savepoint, rolled back afterwards; its fixtures (a delivered and invoiced
order...) are built in that savepoint before the clock starts. A timed click
ends as a request does before its commit: flush, precommit hooks (mail
tracking), flush. Figures are per run: min / median / max wall-clock ms and
the query count of the median run.
"""

import collections
import cProfile
import logging
import os
import pstats
import re
import statistics
import time
from contextlib import contextmanager

from common import environment, parse_args

from odoo import Command
from odoo.tools import SQL

RUNS = int(os.environ.get("PA_PEERS_RUNS", "7"))
ROWS = int(os.environ.get("PA_PEERS_ROWS", "100000"))
BATCH = int(os.environ.get("PA_PEERS_BATCH", "1000"))
PROFILE = os.environ.get("PA_PEERS_PROFILE")
SQL_TAG = "PEERS"  # marks the SQL-loaded rows (cases and tickets)

ADMIN_GROUPS = (
    "pet_aftersales.pet_aftersales_group_manager",
    "stock.group_stock_manager",
    "stock.group_production_lot",
    "account.group_account_manager",
    "sales_team.group_sale_manager",
    "rma.rma_group_manager",
    "helpdesk_mgmt.group_helpdesk_manager",
)


# ----------------------------------------------------------------------
# timing
# ----------------------------------------------------------------------


def end_of_request(env):
    """What a request does before its commit (the commit itself is a no-op
    here: the savepoint is rolled back)."""
    env.flush_all()
    env.cr.precommit.run()
    env.flush_all()


@contextmanager
def rolled_back(env):
    env.flush_all()
    savepoint = env.cr.savepoint(flush=False)
    try:
        yield
    finally:
        env.cr.precommit.clear()
        env.cr.postcommit.clear()
        savepoint.close(rollback=True)
        env.invalidate_all()
        env.transaction.clear()


@contextmanager
def profiled():
    """cProfile and the SQL queries (by statement and table) of one click."""
    queries = []

    class Collect(logging.Handler):
        def emit(self, record):
            message = record.getMessage()
            if "query:" in message:
                queries.append(message.split("query:", 1)[1].strip())

    logger = logging.getLogger("odoo.sql_db")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = True
    print(f"\n--- profile of {PROFILE!r}: {len(queries)} queries", flush=True)
    profile_stats = pstats.Stats(profile).sort_stats("cumulative")
    profile_stats.print_stats(30)
    profile_stats.print_stats("pet_aftersales|message_post|_notify_thread", 40)
    by_statement = collections.Counter(
        " ".join(re.sub(r"\s+", " ", q).split(" ")[:4])[:90] for q in queries
    )
    for statement, count in by_statement.most_common(60):
        print(f"{count:5d}  {statement}")


class Clock:
    """Times the clicks of one run: ``with clock("label"):`` around each.
    PA_PEERS_PROFILE=<label> profiles that click once instead of timing it."""

    profiled = False

    def __init__(self, env, samples):
        self.env = env
        self.samples = samples

    @contextmanager
    def __call__(self, label, per=1):
        cr = self.env.cr
        if label == PROFILE and not Clock.profiled:
            Clock.profiled = True  # once: the first (warm-up) run is timed
            with profiled():
                yield
                end_of_request(self.env)
            return
        queries, start = cr.sql_log_count, time.perf_counter()
        yield
        end_of_request(self.env)
        elapsed = time.perf_counter() - start
        self.samples.setdefault(label, []).append(
            (elapsed / per, (cr.sql_log_count - queries) / per)
        )


def repeat(env, runs, body, warmup=1):
    """Run ``body(clock)`` warmup + runs times, each in its own savepoint."""
    samples, dropped = {}, {}
    for i in range(warmup + runs):
        with rolled_back(env):
            body(Clock(env, dropped if i < warmup else samples))
    return samples


def stats(values):
    times = sorted(v[0] for v in values)
    median = statistics.median(times)
    queries = statistics.median(v[1] for v in values)
    return times[0] * 1000, median * 1000, times[-1] * 1000, queries


def fmt(values):
    lo, med, hi, queries = stats(values)
    shown = f"{queries:7.0f}" if queries >= 10 else f"{queries:7.2f}"
    return f"{lo:8.1f} {med:8.1f} {hi:8.1f} {shown}"


def row(label, ours, peer=None, target=None):
    line = f"| {label:<58} | {fmt(ours)} |"
    if peer:
        ratio = stats(ours)[1] / stats(peer)[1]
        line += f" {fmt(peer)} | {ratio:5.2f}x |"
    else:
        line += f" {'':35} | {'':6} |"
    if target:
        line += f" {target}"
    print(line, flush=True)


def header(title, peer="peer"):
    print(f"\n### {title}\n", flush=True)
    print(
        f"| {'flow':<58} | {'ours min / med / max ms, queries':<35} "
        f"| {peer + ' min / med / max ms, queries':<35} | ratio | target"
    )
    print(f"|{'-' * 60}|{'-' * 37}|{'-' * 37}|-------|-------")


# ----------------------------------------------------------------------
# committed setup (once per database)
# ----------------------------------------------------------------------


def setup(env):
    """Products with stock, a customer, the admin user's groups, the
    companies' settings, teams, and the SQL-loaded cases and tickets."""
    company = env.ref("base.main_company")
    admin = env.ref("base.user_admin")
    admin.groups_id = [Command.link(env.ref(xmlid).id) for xmlid in ADMIN_GROUPS]
    company.write(
        {
            "aftersales_return_days": 365,
            "aftersales_auto_approve_amount": 0.0,
            "aftersales_rma_post_refund": True,
            "aftersales_rma_manager_amount": 0.0,
        }
    )
    products = env["product.product"].search([("default_code", "like", "PEER-%")])
    if not products:
        tax = env["account.tax"].create(
            {"name": "Peers VAT 13%", "amount": 13.0, "type_tax_use": "sale"}
        )
        products = env["product.product"].create(
            [
                {
                    "name": f"Peers Kibble {name}",
                    "default_code": f"PEER-{name}",
                    "is_storable": True,
                    "list_price": 100.0,
                    "invoice_policy": "delivery",
                    "taxes_id": [Command.set(tax.ids)],
                }
                for name in ("A", "B")
            ]
        )
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(product, stock, 1e6)
        env["res.partner"].create(
            {"name": "Peers Customer", "email": "peers.customer@example.com"}
        )
        env["aftersales.team"].create(
            [
                {"name": f"Peers Team {i}", "assignment_method": "manual"}
                for i in range(10)
            ]
        )
        env["helpdesk.ticket.team"].create(
            [{"name": f"Peers Team {i}"} for i in range(10)]
        )
    env.cr.commit()
    load_rows(env)
    env.cr.commit()
    return products


def load_rows(env):
    """ROWS cases and ROWS tickets over 10 teams and every stage, with SQL
    (as an import would do it: no chatter)."""
    env.cr.execute(
        "SELECT count(*) FROM aftersales_case WHERE reference LIKE %s",
        [f"{SQL_TAG}/%"],
    )
    if env.cr.fetchone()[0] >= ROWS:
        return
    company = env.ref("base.main_company")
    partner = env["res.partner"].search([("name", "=", "Peers Customer")], limit=1)
    teams = env["aftersales.team"].search([("name", "like", "Peers Team %")])
    stages = env["aftersales.stage"].search([])
    category = env["aftersales.category"].search([], limit=1)
    tteams = env["helpdesk.ticket.team"].search([("name", "like", "Peers Team %")])
    tstages = env["helpdesk.ticket.stage"].search([])
    start = time.perf_counter()
    env.cr.execute(
        SQL(
            """
        INSERT INTO aftersales_case (name, reference, partner_id, email_from,
               company_id, channel, team_id, category_id, stage_id, is_closed,
               active, kanban_state, urgency, impact, priority, responsibility,
               solution, sla_status, reopen_count, feedback_state,
               sla_start_date, create_uid, write_uid, create_date, write_date)
        SELECT 'Peers case ' || g, %(tag)s || '/' || g, %(partner)s,
               'peers.customer@example.com', %(company)s, 'phone',
               (%(teams)s)[1 + mod(g, %(nteams)s)], %(category)s,
               (%(stages)s)[1 + mod(g / 7, %(nstages)s)], FALSE, TRUE,
               'normal', 'low', 'single', '1', 'undetermined', 'none',
               'on_track', 0, 'none', now() AT TIME ZONE 'UTC', 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(rows)s) g
            """,
            tag=SQL_TAG,
            partner=partner.id,
            company=company.id,
            teams=teams.ids,
            nteams=len(teams),
            category=category.id,
            stages=stages.ids,
            nstages=len(stages),
            rows=ROWS,
        )
    )
    env.cr.execute(
        SQL(
            """
        INSERT INTO helpdesk_ticket (number, name, description, partner_id,
               partner_email, company_id, team_id, stage_id, priority,
               kanban_state, sequence, active, last_stage_update,
               create_uid, write_uid, create_date, write_date)
        SELECT %(tag)s || '/' || g, 'Peers ticket ' || g, '<p>Peers</p>',
               %(partner)s, 'peers.customer@example.com', %(company)s,
               (%(teams)s)[1 + mod(g, %(nteams)s)],
               (%(stages)s)[1 + mod(g / 7, %(nstages)s)], '1', 'normal', 10,
               TRUE, now() AT TIME ZONE 'UTC', 1, 1, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(rows)s) g
            """,
            tag=SQL_TAG,
            partner=partner.id,
            company=company.id,
            teams=tteams.ids,
            nteams=len(tteams),
            stages=tstages.ids,
            nstages=len(tstages),
            rows=ROWS,
        )
    )
    env.cr.execute("ANALYZE aftersales_case")
    env.cr.execute("ANALYZE helpdesk_ticket")
    print(
        f"loaded {ROWS} cases and {ROWS} tickets in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )


# ----------------------------------------------------------------------
# fixtures (inside each run's savepoint, before the clock)
# ----------------------------------------------------------------------


def delivered_order(env, products, qty=2.0):
    """A confirmed, delivered and invoiced order of two lines."""
    partner = env["res.partner"].search([("name", "=", "Peers Customer")], limit=1)
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {"product_id": p.id, "product_uom_qty": qty, "price_unit": 100.0}
                )
                for p in products
            ],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    for move in picking.move_ids:
        move.quantity = qty
    picking.move_ids.picked = True
    picking._action_done()
    invoice = order._create_invoices()
    invoice.action_post()
    env.flush_all()
    return order, invoice


def validate(pickings):
    for move in pickings.move_ids:
        if not move.quantity:
            move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    pickings.button_validate()


# ----------------------------------------------------------------------
# flows
# ----------------------------------------------------------------------


def our_return(env, products, clock):
    order, _invoice = delivered_order(env, products)
    env = env(user=env.ref("base.user_admin").id)
    reason = env.ref("pet_aftersales.aftersales_return_reason_no_reason")
    vals = {
        "partner_id": order.partner_id.id,
        "sale_order_id": order.id,
        "reason_id": reason.id,
        "line_ids": [
            Command.create(
                {"sale_line_id": line.id, "quantity": 1.0, "original_packaging": True}
            )
            for line in order.order_line
        ],
    }
    with clock("create"):
        rma = env["aftersales.rma"].create(vals)
    with clock("submit"):
        rma.action_submit()
    with clock("approve"):
        rma.action_approve()
    with clock("receive"):
        validate(rma.picking_ids)
        rma.action_receive()
    with clock("inspect"):
        rma.line_ids.action_inspection_pass()
    with clock("done"):
        rma.action_done()
    assert rma.state == "done" and rma.refund_move_ids.state == "posted", rma.state


def peer_return(env, products, clock):
    order, _invoice = delivered_order(env, products)
    env = env(user=env.ref("base.user_admin").id)
    order = order.with_env(env)
    with clock("create"):
        action = order.action_create_rma()
        wizard = env["sale.order.rma.wizard"].browse(action["res_id"])
        wizard.operation_id = env.ref("rma.rma_operation_refund")
        wizard.line_ids.quantity = 1.0
        rmas = wizard.create_rma()
    with clock("confirm"):
        rmas.action_confirm()
    with clock("receive"):
        validate(rmas.reception_move_id.picking_id)
    with clock("refund"):
        rmas.action_refund()
    assert set(rmas.mapped("state")) == {"refunded"}, rmas.mapped("state")


def core_return_wizard(env, products, clock):
    """Odoo's return wizard alone, 1 of each of the 2 delivered lines."""
    order, _invoice = delivered_order(env, products)
    env = env(user=env.ref("base.user_admin").id)
    picking = order.picking_ids.with_env(env)
    with clock("core: stock.return.picking wizard"):
        wizard = (
            env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = 1.0
            line.to_refund = True
        returned = wizard._create_return()
    with clock("core: validate the return picking"):
        validate(returned)


def core_credit_note(env, products, clock):
    """A 2-line credit note of the invoice, created and posted."""
    _order, invoice = delivered_order(env, products)
    env = env(user=env.ref("base.user_admin").id)
    invoice = invoice.with_env(env)
    with clock("core: 2-line credit note created and posted"):
        refund = env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "journal_id": invoice.journal_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "quantity": 1.0,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                            "sale_line_ids": [Command.set(line.sale_line_ids.ids)],
                        }
                    )
                    for line in invoice.invoice_line_ids
                ],
            }
        )
        refund.action_post()


def case_vals(env, i):
    partner = env["res.partner"].search([("name", "=", "Peers Customer")], limit=1)
    team = env["aftersales.team"].search([("name", "=", "Peers Team 0")])
    return {
        "name": f"Peers new case {i}",
        "partner_id": partner.id,
        "team_id": team.id,
        "channel": "phone",
    }


def ticket_vals(env, i):
    partner = env["res.partner"].search([("name", "=", "Peers Customer")], limit=1)
    team = env["helpdesk.ticket.team"].search([("name", "=", "Peers Team 0")])
    return {
        "name": f"Peers new ticket {i}",
        "description": "<p>My cat does not eat it.</p>",
        "partner_id": partner.id,
        "team_id": team.id,
    }


def one_case(env, clock):
    env = env(user=env.ref("base.user_admin").id)
    vals = case_vals(env, 0)
    with clock("one case"):
        env["aftersales.case"].create(vals)


def one_ticket(env, clock):
    env = env(user=env.ref("base.user_admin").id)
    vals = ticket_vals(env, 0)
    with clock("one ticket"):
        env["helpdesk.ticket"].create(vals)


def batch_cases(env, clock):
    env = env(user=env.ref("base.user_admin").id)
    vals = [case_vals(env, i) for i in range(BATCH)]
    with clock("batch cases", per=BATCH):
        env["aftersales.case"].create(vals)


def batch_tickets(env, clock):
    env = env(user=env.ref("base.user_admin").id)
    vals = [ticket_vals(env, i) for i in range(BATCH)]
    with clock("batch tickets", per=BATCH):
        env["helpdesk.ticket"].create(vals)


def grouped(model, cold):
    def body(env, clock):
        env = env(user=env.ref("base.user_admin").id)
        if cold:
            # cold: no ORM cache (records, fields), no registry caches (rules,
            # access rights, groups, templates); PostgreSQL's buffers stay warm
            env.invalidate_all()
            env.registry.clear_all_caches()
        with clock("read_group"):
            env[model].read_group([], ["__count"], ["team_id", "stage_id"], lazy=False)

    return body


def main():
    args = parse_args(__doc__.splitlines()[0])
    with environment(args) as env:
        products = setup(env)
        admin = env.ref("base.user_admin")
        print(
            f"pa_peers: {RUNS} runs per flow after one warm-up run, as "
            f"{admin.login} (uid {admin.id}, not the superuser), "
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

        def lifecycle(clock):
            our_return(env, products, clock)
            peer_return(env, products, clock)
            core_return_wizard(env, products, clock)
            core_credit_note(env, products, clock)

        samples = {}
        for _i in range(RUNS + 1):
            # ours, the peer and the bare core operations in the same run
            run = repeat(env, 1, lifecycle, warmup=0)
            for key, values in run.items():
                samples.setdefault(key, []).extend(values)
        samples = {key: values[1:] for key, values in samples.items()}  # warm-up

        def total(keys, per=1):
            return [
                (
                    sum(samples[k][i][0] for k in keys) / per,
                    sum(samples[k][i][1] for k in keys) / per,
                )
                for i in range(RUNS)
            ]

        ours = ("create", "submit", "approve", "receive", "inspect", "done")
        # the peer's labels
        peer = ("create", "confirm", "receive", "refund")
        ours_total = total(ours, per=2)
        header("1. Return lifecycle per returned line (2-line return)", "OCA rma_sale")
        peer_samples = {key: samples[key] for key in peer}
        row(
            "create > submit > approve > receive > inspect > done",
            ours_total,
            [
                (
                    sum(peer_samples[k][i][0] for k in peer) / 2,
                    sum(peer_samples[k][i][1] for k in peer) / 2,
                )
                for i in range(RUNS)
            ],
            "<= 1.0x",
        )
        header(
            "2. Each click of our 2-line return vs the core operation it wraps", "core"
        )
        row("create (2 lines)", samples["create"])
        row("submit", samples["submit"], target="< 50 ms")
        row(
            "approve vs stock.return.picking wizard",
            samples["approve"],
            samples["core: stock.return.picking wizard"],
            "<= 1.3x",
        )
        row(
            "receive vs validating that picking",
            samples["receive"],
            samples["core: validate the return picking"],
            "<= 1.3x",
        )
        row("inspect (2 lines passed)", samples["inspect"])
        row(
            "done vs a 2-line credit note created + posted",
            samples["done"],
            samples["core: 2-line credit note created and posted"],
            "<= 1.3x",
        )

        header("3-5. Cases vs OCA helpdesk tickets", "OCA helpdesk_mgmt")
        ours_case = repeat(env, RUNS, lambda c: one_case(env, c))["one case"]
        peer_ticket = repeat(env, RUNS, lambda c: one_ticket(env, c))["one ticket"]
        row(
            "3. one case created (with chatter) vs one ticket",
            ours_case,
            peer_ticket,
            "<= 1.0x",
        )
        runs = max(3, RUNS // 2)
        ours_batch = repeat(env, runs, lambda c: batch_cases(env, c))["batch cases"]
        peer_batch = repeat(env, runs, lambda c: batch_tickets(env, c))["batch tickets"]
        row(
            f"4. batch of {BATCH}, per case vs per ticket",
            ours_batch,
            peer_batch,
            "<= 0.5x",
        )
        for cold in (False, True):
            label = "cold" if cold else "warm"
            ours_body = grouped("aftersales.case", cold)
            peer_body = grouped("helpdesk.ticket", cold)
            ours_rg = repeat(env, RUNS, lambda c, b=ours_body: b(env, c))
            peer_rg = repeat(env, RUNS, lambda c, b=peer_body: b(env, c))
            row(
                f"5. read_group team x stage, {ROWS} rows, {label}",
                ours_rg["read_group"],
                peer_rg["read_group"],
                "<= 0.7x",
            )


if __name__ == "__main__":
    main()
