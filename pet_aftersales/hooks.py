from odoo import tools


def post_init_hook(env):
    """With demo data: generate the demo history, code that no production
    registry carries. The products, lots, the order and its returns are made
    without XML ids (stock moves, invoices and quants keep referring to them,
    so uninstalling the addon leaves them in place); then six months of
    resolved, rated cases for the analysis."""
    if not env.ref("base.module_pet_aftersales").demo:
        return
    from .demo.case_history import load_case_history
    from .demo.returns import load_returns

    # no text message for the demo deliveries: stock_sms would open a second
    # cursor for its IAP account, which waits on this install's locks
    env = env(context=dict(env.context, skip_sms=True))
    load_returns(env)
    load_case_history(env)
    # the demo order earned points on the demo loyalty program: its cards go
    # with the program when the addon is uninstalled
    program = env.ref("pet_aftersales.loyalty_program_feedback_demo")
    cards = env["loyalty.card"].search([("program_id", "=", program.id)])
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": f"pet_aftersales.loyalty_card_{card.id}_demo",
                "record": card,
                "noupdate": True,
            }
            for card in cards
        ]
    )
    # the demo cases in the monthly analysis without waiting for its cron
    env["aftersales.case.report.monthly"]._aftersales_refresh()


def uninstall_hook(env):
    """Odoo drops the tables and views of the models it uninstalls, but not a
    materialized view, which would also keep the views it reads from."""
    tools.drop_view_if_exists(env.cr, "aftersales_case_report_monthly")
