from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import AftersalesCommon

# the team's figures in test_case_analysis_figures, by hand: 4 cases; first
# response (2 + 4 + 6) / 3 h; resolution (10 + 30 + 20) / 3 h; SLA met by c1,
# failed by c2; c2 reopened (1 of 4); satisfaction (90 + 40) / 2, of which
# 90 reaches the threshold of 60
EXPECTED_FIGURES = (4, 4.0, 20.0, 50.0, 25.0, 65.0, 50.0)


@tagged("post_install", "-at_install")
class TestReports(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Case = cls.env["aftersales.case"]
        cls.team = cls.env["aftersales.team"].create({"name": "Report Team"})
        cls.cat_delivery = cls.env.ref("pet_aftersales.aftersales_category_delivery")
        cls.product = cls.env["product.product"].create(
            {"name": "Bird Seed Mix 1kg", "is_storable": True, "list_price": 12.5}
        )
        cls.company.aftersales_csat_reopen_threshold = 60.0

    def _set(self, records, **values):
        records.flush_recordset()
        sets = ", ".join(f"{k} = %s" for k in values)
        self.env.cr.execute(
            f"UPDATE {records._table} SET {sets} WHERE id IN %s",  # noqa: S608
            [*values.values(), tuple(records.ids)],
        )
        records.invalidate_recordset()
        # what a write would recompute (business hours, SLA status)
        records.modified(list(values))
        self.env.flush_all()

    def _case(self, **vals):
        return self.Case.create(
            {
                "name": "Parcel arrived torn",
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                "category_id": self.cat_delivery.id,
                **vals,
            }
        )

    def _team_figures(self, report, date_field):
        """The team's one-month row of the case analysis, rounded, as the
        pivot view reads it."""
        measures = [
            "first_response_hours",
            "resolution_hours",
            "sla_met_rate",
            "reopen_rate",
            "csat_score",
            "satisfied_rate",
        ]
        [row] = report.read_group(
            [("team_id", "=", self.team.id)],
            ["nbr:sum"] + [f"{fname}:avg" for fname in measures],
            ["team_id", f"{date_field}:month"],
            lazy=False,
        )
        self.assertEqual(row["team_id"][0], self.team.id)
        return tuple(round(row[fname], 6) for fname in ["nbr", *measures])

    def test_case_analysis_figures(self):
        t0 = datetime(2026, 3, 2, 8, 0)
        hours = lambda h: t0 + timedelta(hours=h)  # noqa: E731
        c1 = self._case(channel="email")
        c2, c3, c4 = self._case(), self._case(), self._case()
        self._set(c1 | c2 | c3 | c4, create_date=t0)
        self._set(
            c1,
            first_response_date=hours(2),
            resolved_date=hours(10),
            resolution_deadline=hours(24),
            csat_score=90.0,
        )
        self._set(
            c2,
            first_response_date=hours(4),
            resolved_date=hours(30),
            resolution_deadline=hours(24),
            reopen_count=1,
            csat_score=40.0,
        )
        self._set(c3, resolution_deadline=hours(24))
        self._set(c4, first_response_date=hours(6), resolved_date=hours(20))
        self.env.invalidate_all()
        report = self.env["aftersales.case.report"].with_user(self.manager)
        self.assertEqual(self._team_figures(report, "date"), EXPECTED_FIGURES)
        by_channel = dict(
            report._read_group(
                [("team_id", "=", self.team.id)], ["channel"], ["nbr:sum"]
            )
        )
        self.assertEqual(by_channel, {"email": 1, "phone": 3})

        # the monthly analysis holds one row per channel here (email: c1,
        # phone: c2-c4) and still gives the per-case averages, not averages
        # of row averages (first response would read (2 + 5) / 2 = 3.5)
        monthly = self.env["aftersales.case.report.monthly"]
        monthly._aftersales_refresh()
        monthly = monthly.with_user(self.manager)
        rows = monthly.search([("team_id", "=", self.team.id)])
        self.assertEqual(sorted(rows.mapped("channel")), ["email", "phone"])
        self.assertEqual(rows.mapped("month"), [fields.Date.to_date("2026-03-01")] * 2)
        self.assertEqual(self._team_figures(monthly, "month"), EXPECTED_FIGURES)
        phone = rows.filtered(lambda r: r.channel == "phone")
        self.assertEqual(phone.nbr, 3)
        self.assertAlmostEqual(phone.first_response_hours, 5.0)  # (4 + 6) / 2
        # refreshing again (the cron, as a materialized view) gives the same
        # rows with the same ids: no duplicates, links and filters still hold
        self._set(self._case(channel="email"), create_date=t0)
        monthly.sudo()._aftersales_refresh()
        again = monthly.search([("team_id", "=", self.team.id)])
        self.assertEqual(again, rows)
        self.assertEqual(again.filtered(lambda r: r.channel == "email").nbr, 2)
        # the pivot may sort the groups by a ratio measure: by the rest then
        grouped = monthly.read_group(
            [("team_id", "=", self.team.id)],
            ["first_response_hours:avg"],
            ["channel"],
            orderby="first_response_hours desc, channel",
        )
        self.assertEqual([g["channel"] for g in grouped], ["email", "phone"])
        self.assertAlmostEqual(grouped[1]["first_response_hours"], 5.0)

    def test_times_are_business_hours(self):
        """A case opened on Friday 16:00 and answered on Monday 10:00 waited
        two working hours of a Mon-Fri 9-17 team, not 66 clock hours."""
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Mon-Fri 9-17 UTC",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9.0,
                            "hour_to": 17.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )
        self.team.resource_calendar_id = calendar
        friday = datetime(2026, 3, 6, 16, 0)
        case = self._case()
        self._set(case, create_date=friday)
        case.write({"first_response_date": datetime(2026, 3, 9, 10, 0)})
        self.assertAlmostEqual(case.first_response_hours, 2.0)
        case.write({"resolved_date": datetime(2026, 3, 10, 12, 30)})
        # Fri 16-17, Mon 9-17, Tue 9-12:30
        self.assertAlmostEqual(case.resolution_hours, 12.5)
        self.env.flush_all()
        [row] = (
            self.env["aftersales.case.report"]
            .with_user(self.manager)
            ._read_group(
                [("case_id", "=", case.id)],
                [],
                ["first_response_hours:avg", "resolution_hours:avg"],
            )
        )
        self.assertAlmostEqual(row[0], 2.0)
        self.assertAlmostEqual(row[1], 12.5)
        # a case still waiting for its reply is not counted as answered at once
        waiting = self._case()
        self.env.flush_all()
        [(first,)] = (
            self.env["aftersales.case.report"]
            .with_user(self.manager)
            ._read_group(
                [("case_id", "=", waiting.id)], [], ["first_response_hours:avg"]
            )
        )
        self.assertFalse(first)

    def test_return_analysis_figures(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        move = self.env["stock.move"].create(
            {
                "name": "Delivery",
                "product_id": self.product.id,
                "product_uom_qty": 40,
                "product_uom": self.product.uom_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "company_id": self.company.id,
            }
        )
        self._set(move, state="done")
        reason = self.env["aftersales.return.reason"].search([], limit=1)
        rma = self.env["aftersales.rma"].create(
            {
                "partner_id": self.customer.id,
                "reason_id": reason.id,
                "line_ids": [
                    Command.create({"product_id": self.product.id, "quantity": 2})
                ],
            }
        )
        rma.write({"state": "approved"})
        self.assertTrue(rma.approved_date)  # stored when the state is reached
        self._set(rma, approved_date=rma.create_date + timedelta(hours=5))
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 2,
                            "price_unit": 12.5,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        rma.refund_move_ids = [Command.link(refund.id)]
        self.env.flush_all()
        report = self.env["aftersales.rma.report"].with_user(self.manager)
        # as the pivot view reads it
        [row] = report.read_group(
            [("product_id", "=", self.product.id)],
            [
                "returned_qty:sum",
                "delivered_qty:sum",
                "return_rate:sum",
                "refund_amount:sum",
                "approve_hours:avg",
            ],
            ["product_id"],
        )
        self.assertEqual((row["returned_qty"], row["delivered_qty"]), (2.0, 40.0))
        # 2 / 40, not a sum of row ratios
        self.assertAlmostEqual(row["return_rate"], 5.0)
        self.assertAlmostEqual(row["refund_amount"], 25.0)
        self.assertAlmostEqual(row["approve_hours"], 5.0)

        by_reason = report._read_group(
            [("product_id", "=", self.product.id), ("is_return", "=", True)],
            ["reason_id"],
            ["returned_qty:sum"],
        )
        self.assertEqual(by_reason, [(reason, 2.0)])

        # a return counted in dozens is compared with deliveries in units
        self.env["aftersales.rma"].create(
            {
                "partner_id": self.customer.id,
                "reason_id": reason.id,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "uom_id": self.env.ref("uom.product_uom_dozen").id,
                        }
                    )
                ],
            }
        ).write({"state": "approved"})
        self.env.flush_all()
        [row] = report.read_group(
            [("product_id", "=", self.product.id)], ["return_rate:sum"], []
        )
        self.assertAlmostEqual(row["return_rate"], 35.0)  # 14 / 40
        self.assertNotIn("returned_qty", row)  # only what was asked for

    def _order(self, partner, date):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        order.action_confirm()
        self._set(order, date_order=date)
        return order

    def test_churn_after_complaints(self):
        self.company.aftersales_churn_days = 90
        now = fields.Datetime.now()
        days_ago = lambda d: now - timedelta(days=d)  # noqa: E731
        partners = self.env["res.partner"].create(
            [{"name": name} for name in ("Ann", "Bob", "Cai", "Dan", "Eve")]
        )
        ann, bob, cai, dan, eve = partners
        # Ann complained 100 days ago and bought again 10 days later: stays.
        self._set(self._case(partner_id=ann.id), create_date=days_ago(100))
        self._order(ann, days_ago(90))
        # Bob complained 100 days ago and never came back: churned.
        self._set(self._case(partner_id=bob.id), create_date=days_ago(100))
        # Cai, no case, first order 200 days ago, bought again 150 days ago.
        self._order(cai, days_ago(200))
        self._order(cai, days_ago(150))
        # Dan, no case, one order 120 days ago: churned.
        self._order(dan, days_ago(120))
        # Eve complained 10 days ago: her window is not over, not counted.
        self._set(self._case(partner_id=eve.id), create_date=days_ago(10))
        self.env.invalidate_all()
        report = self.env["aftersales.churn.report"].with_user(self.manager)
        rows = report._read_group(
            [("partner_id", "in", partners.ids)],
            ["has_case"],
            ["nbr:sum", "churned:sum", "churn_rate:avg"],
        )
        self.assertEqual(sorted(rows), [(False, 2, 1, 50.0), (True, 2, 1, 50.0)])
        churned = report.search(
            [("partner_id", "in", partners.ids), ("churned", "=", 1)]
        )
        self.assertEqual(churned.partner_id, bob | dan)

    def test_overview_kpis_against_targets(self):
        company = self.env["res.company"].create({"name": "Pet Shop South"})
        cases = self.Case.with_company(company).create(
            [
                {
                    "name": name,
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "team_id": False,
                }
                for name in ("Wrong size harness", "Leaking aquarium")
            ]
        )
        yesterday = fields.Datetime.now() - timedelta(days=1)
        for case, score in zip(cases, (90.0, 50.0), strict=True):
            self._set(
                case,
                csat_score=score,
                resolved_date=yesterday,
                feedback_state="done",
                feedback_date=yesterday,
            )
        overview = self.env["aftersales.overview"].search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(overview.rated_case_count, 2)
        self.assertAlmostEqual(overview.satisfaction_rate, 50.0)
        self.assertEqual(overview.satisfaction_target, 95.0)
        self.assertFalse(overview.satisfaction_ok)
        self.assertEqual(overview.return_rate_target, 5.0)
        self.assertTrue(overview.return_rate_ok)
        self.assertTrue(overview.churn_ok)
        self.assertEqual(overview.open_case_count, 2)
        # the same figure as Satisfaction Analysis over the same period, as
        # the manager of that company reads them
        self.manager.company_ids |= company
        manager_env = self.env(
            user=self.manager, context={"allowed_company_ids": company.ids}
        )
        action = overview.with_env(manager_env).action_open_satisfaction_analysis()
        self.assertEqual(action["res_model"], "aftersales.feedback.report")
        [[count, satisfied]] = manager_env["aftersales.feedback.report"]._read_group(
            action["domain"], [], ["__count", "satisfied_rate:avg"]
        )
        self.assertEqual(count, overview.rated_case_count)
        self.assertAlmostEqual(satisfied, overview.satisfaction_rate)
        # feedback older than the period counts in neither
        old = fields.Datetime.now() - timedelta(days=overview.period_days + 5)
        self._set(cases[1], feedback_date=old)
        overview.invalidate_recordset()
        self.assertEqual(overview.rated_case_count, 1)
        self.assertAlmostEqual(overview.satisfaction_rate, 100.0)
        action = overview.action_open_satisfaction_analysis()
        [[count, satisfied]] = self.env["aftersales.feedback.report"]._read_group(
            action["domain"], [], ["__count", "satisfied_rate:avg"]
        )
        self.assertEqual((count, satisfied), (1, 100.0))
        action = overview.action_open_case_analysis()
        self.assertEqual(action["res_model"], "aftersales.case.report")
        self.assertIn(("company_id", "=", company.id), action["domain"])

    def test_reports_are_for_managers_only(self):
        models = (
            "aftersales.case.report",
            "aftersales.case.report.monthly",
            "aftersales.rma.report",
            "aftersales.churn.report",
            "aftersales.overview",
        )
        for model in models:
            for user in (self.agent, self.supervisor, self.internal_user):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search([], limit=1)
            self.env[model].with_user(self.manager).search([], limit=1)
        manager_group = self.env.ref("pet_aftersales.pet_aftersales_group_manager")
        for xmlid in (
            "aftersales_overview_menu",
            "aftersales_case_report_menu",
            "aftersales_case_report_monthly_menu",
            "aftersales_rma_report_menu",
            "aftersales_churn_report_menu",
        ):
            menu = self.env.ref(f"pet_aftersales.{xmlid}")
            self.assertEqual(menu.groups_id, manager_group)
        visible = self.env["ir.ui.menu"].with_user(self.supervisor)._visible_menu_ids()
        self.assertNotIn(
            self.env.ref("pet_aftersales.aftersales_case_report_menu").id, visible
        )

    def test_one_menu_name_per_report(self):
        """No two entries of the After-sales app share a name (as the
        manager sees the menus)."""
        root = self.env.ref("pet_aftersales.pet_aftersales_menu_root")
        menus = (
            self.env["ir.ui.menu"]
            .with_user(self.manager)
            .search([("id", "child_of", root.id)])
        )
        names = menus.mapped("name")
        self.assertEqual(len(names), len(set(names)), sorted(names))
        self.assertIn("KPI Overview", names)
        self.assertIn("Team Dashboard", names)
        self.assertIn("Returned Products", names)


@tagged("post_install", "-at_install")
class TestReportTour(HttpCase):
    def test_manager_opens_case_analysis(self):
        """The demo manager finds Case Analysis under Reporting, with the
        demo history per team, in a real browser."""
        self.start_tour("/odoo", "pet_aftersales_case_analysis", login="asmanager")
