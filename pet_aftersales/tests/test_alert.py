from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import freeze_time, tagged

from .common import AftersalesCommon


class AlertCommon(AftersalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["aftersales.alert"]
        cls.Case = cls.env["aftersales.case"]
        cls.cat_quality = cls.env.ref("pet_aftersales.aftersales_category_quality")
        cls.cat_food = cls.env.ref("pet_aftersales.aftersales_category_food_safety")
        cls.cat_health = cls.env.ref("pet_aftersales.aftersales_category_pet_health")
        cls.cat_delivery = cls.env.ref("pet_aftersales.aftersales_category_delivery")
        cls.company.write(
            {
                "aftersales_cluster_min_cases": 3,
                "aftersales_cluster_days": 7,
                "aftersales_risk_medium_score": 5,
                "aftersales_risk_high_score": 10,
                "aftersales_risk_critical_score": 16,
                "aftersales_alert_min_sample": 5,
                "aftersales_sla_breach_rate": 20.0,
                "aftersales_csat_alert_threshold": 70.0,
                "aftersales_csat_alert_days": 30,
                "aftersales_return_rate_target": 5.0,
                "aftersales_return_rate_days": 90,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Grain-free Kibble 2kg", "is_storable": True, "tracking": "lot"}
        )
        cls.other_product = cls.env["product.product"].create(
            {"name": "Cat Litter 10L", "is_storable": True}
        )
        cls.lot = cls.env["stock.lot"].create(
            {
                "name": "L2026-04",
                "product_id": cls.product.id,
                "company_id": cls.company.id,
            }
        )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "Analytics Test Team",
                "company_id": cls.company.id,
                "member_ids": [Command.link(cls.agent.id)],
            }
        )
        cls.pet = cls.env["pet.profile"].create(
            {"name": "Mochi", "species": "cat", "partner_id": cls.customer.id}
        )
        cls.company_b = cls.env["res.company"].create({"name": "Pet Shop North"})
        cls.team_b = cls.env["aftersales.team"].create(
            {"name": "North Service", "company_id": cls.company_b.id}
        )
        cls.lot_b = cls.env["stock.lot"].create(
            {
                "name": "L2026-04-N",
                "product_id": cls.product.id,
                "company_id": cls.company_b.id,
            }
        )

    def _case(self, **vals):
        values = {
            "name": "Kibble makes my dog sick",
            "partner_id": self.customer.id,
            "category_id": self.cat_quality.id,
            "product_id": self.product.id,
            "lot_id": self.lot.id,
            "team_id": self.team.id,
        }
        values.update(vals)
        if values["category_id"] == self.cat_health.id:
            values["pet_id"] = self.pet.id
        return self.Case.create(values)

    def _alerts(self, alert_type, **domain):
        return self.Alert.search(
            [("alert_type", "=", alert_type)] + [(k, "=", v) for k, v in domain.items()]
        )

    def _set(self, records, **values):
        """Write raw column values (dates, SLA and CSAT figures owned by other
        flows) straight into the table, as real data would look."""
        if not records:
            return
        records.flush_recordset()
        sets = ", ".join(f"{k} = %s" for k in values)
        self.env.cr.execute(
            f"UPDATE {records._table} SET {sets} WHERE id IN %s",  # noqa: S608
            [*values.values(), tuple(records.ids)],
        )
        records.invalidate_recordset()


@tagged("post_install", "-at_install")
class TestQualityCluster(AlertCommon):
    def test_cluster_at_threshold_raises_one_alert(self):
        cases = self._case() | self._case() | self._case()
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, cases)
        self.assertEqual(alert.product_id, self.product)
        self.assertEqual(alert.company_id, self.company)
        self.assertEqual(alert.state, "new")
        # 3 cases at the threshold: likelihood 3, impact 4 -> 12 -> high.
        self.assertEqual((alert.likelihood, alert.impact), (3, 4))
        self.assertEqual(alert.severity, "high")
        self.assertIn("recall", str(alert.description))

    def test_alert_read_in_each_managers_language(self):
        """The hourly job (English) raises the alert; the zh_CN manager reads
        it, and the to-do about it, in Chinese; an English reader in English."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.manager.lang = "zh_CN"
        for _i in range(3):
            self._case(category_id=self.cat_food.id)
        self.Alert.with_context(lang="en_US")._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self.assertEqual(alert.severity, "high")
        english = alert.with_context(lang="en_US")
        self.assertEqual(
            english.name,
            "Quality cases cluster on lot L2026-04 of Grain-free Kibble 2kg",
        )
        self.assertIn("Review a recall", str(english.description))
        chinese = alert.with_user(self.manager).with_context(lang="zh_CN")
        self.assertEqual(
            chinese.name, "Grain-free Kibble 2kg 的批次 L2026-04 质量问题集中"
        )
        self.assertIn("请评估是否召回", str(chinese.description))
        todo = alert.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(todo.summary, chinese.name)

    def test_cluster_below_threshold_raises_nothing(self):
        self._case()
        self._case()
        # Not quality: delivery problems never make a product cluster.
        self._case(category_id=self.cat_delivery.id)
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("quality_cluster", product_id=self.product.id))

    def test_cluster_outside_window_raises_nothing(self):
        old = self._case()
        self._case()
        self._case()
        self._set(old, create_date=fields.Datetime.now() - timedelta(days=8))
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("quality_cluster", product_id=self.product.id))

    def test_cluster_on_product_without_lot(self):
        cases = self.Case
        for _i in range(3):
            cases |= self._case(product_id=self.other_product.id, lot_id=False)
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", product_id=self.other_product.id)
        self.assertEqual(len(alert), 1)
        self.assertFalse(alert.lot_id)
        self.assertEqual(alert.case_ids, cases)

    def test_food_safety_cluster_is_critical(self):
        self._case(category_id=self.cat_food.id)
        self._case()
        self._case()
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self.assertEqual((alert.likelihood, alert.impact), (3, 5))
        self.assertEqual(alert.severity, "high")

    def test_cron_twice_is_idempotent_and_new_case_is_linked(self):
        cases = self._case() | self._case() | self._case()
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self._set(alert, date_last_seen=fields.Datetime.now() - timedelta(hours=2))
        self.Alert._cron_detect()
        self.assertEqual(self._alerts("quality_cluster", lot_id=self.lot.id), alert)
        self.assertEqual(alert.case_ids, cases)
        self.assertGreater(
            alert.date_last_seen, fields.Datetime.now() - timedelta(hours=1)
        )
        fourth = self._case()
        self.Alert._cron_detect()
        self.assertEqual(self._alerts("quality_cluster", lot_id=self.lot.id), alert)
        self.assertEqual(alert.case_ids, cases | fourth)
        # One more case than the threshold: likelihood 4 x impact 4 -> critical.
        self.assertEqual(alert.likelihood, 4)
        self.assertEqual(alert.severity, "critical")

    def test_resolved_alert_reopens_only_on_new_evidence(self):
        self._case()
        self._case()
        self._case()
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        alert.with_user(self.manager).action_resolve()
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(alert.date_resolved)
        # Same three cases: the manager already dealt with them.
        self.Alert._cron_detect()
        self.assertEqual(alert.state, "resolved")
        self._set(alert, date_resolved=fields.Datetime.now() - timedelta(hours=1))
        new_case = self._case()
        self.Alert._cron_detect()
        self.assertEqual(self._alerts("quality_cluster", lot_id=self.lot.id), alert)
        self.assertEqual(alert.state, "new")
        self.assertEqual(alert.reopen_count, 1)
        self.assertIn(new_case, alert.case_ids)

    def test_companies_never_mix(self):
        # Two cases in each company on the same product: no company reaches 3.
        self._case()
        self._case()
        customer_b = self.env["res.partner"].create({"name": "North customer"})
        for _i in range(2):
            self.Case.with_company(self.company_b).create(
                {
                    "name": "Kibble smells odd",
                    "partner_id": customer_b.id,
                    "company_id": self.company_b.id,
                    "category_id": self.cat_quality.id,
                    "product_id": self.product.id,
                    "lot_id": self.lot_b.id,
                    "team_id": self.team_b.id,
                }
            )
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("quality_cluster", product_id=self.product.id))
        third_b = self.Case.with_company(self.company_b).create(
            {
                "name": "Kibble smells odd",
                "partner_id": customer_b.id,
                "company_id": self.company_b.id,
                "category_id": self.cat_quality.id,
                "product_id": self.product.id,
                "lot_id": self.lot_b.id,
                "team_id": self.team_b.id,
            }
        )
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", product_id=self.product.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.company_id, self.company_b)
        self.assertEqual(alert.lot_id, self.lot_b)
        self.assertIn(third_b, alert.case_ids)
        self.assertEqual(alert.case_ids.company_id, self.company_b)


@tagged("post_install", "-at_install")
class TestPetHealth(AlertCommon):
    def test_pet_health_case_raises_critical_alert_at_once(self):
        case = self.Case.with_user(self.agent).create(
            {
                "name": "My cat vomits after the new food",
                "partner_id": self.customer.id,
                "category_id": self.cat_health.id,
                "product_id": self.product.id,
                "lot_id": self.lot.id,
                "team_id": self.team.id,
                "pet_id": self.pet.id,
            }
        )
        # No cron run: the alert exists right after the case.
        alert = self._alerts("pet_health", lot_id=self.lot.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, case)
        self.assertEqual(alert.severity, "critical")
        self.assertEqual(alert.state, "new")
        # The cron does not duplicate it.
        self.Alert._cron_detect()
        self.assertEqual(self._alerts("pet_health", lot_id=self.lot.id), alert)

    def test_category_changed_to_pet_health_raises_alert(self):
        case = self._case(category_id=self.cat_delivery.id)
        self.assertFalse(self._alerts("pet_health", lot_id=self.lot.id))
        case.with_user(self.agent).write(
            {"category_id": self.cat_health.id, "pet_id": self.pet.id}
        )
        alert = self._alerts("pet_health", lot_id=self.lot.id)
        self.assertEqual(alert.case_ids, case)
        case.write({"category_id": self.cat_health.id})
        self.assertEqual(self._alerts("pet_health", lot_id=self.lot.id), alert)

    def test_critical_alert_notifies_managers(self):
        managers = self.env.ref("pet_aftersales.pet_aftersales_group_manager").users
        self.assertIn(self.manager, managers)
        self._case(category_id=self.cat_health.id)
        alert = self._alerts("pet_health", lot_id=self.lot.id)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = alert.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertIn(self.manager, activities.user_id)
        self.assertNotIn(self.agent, activities.user_id)
        message = alert.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn(alert.name, message.subject)
        # Resolving closes the review activities.
        alert.with_user(self.manager).action_resolve()
        self.assertFalse(
            alert.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        )

    def test_burst_of_alerts_sends_one_digest(self):
        """Many alerts at once (here a bulk import of pet health reports):
        every manager still gets a to-do per alert, but one mail in all."""
        count = self.Alert._aftersales_digest_size + 3
        self.Case.create(
            [
                {
                    "name": f"Dog sick after kibble #{i}",
                    "partner_id": self.customer.id,
                    "category_id": self.cat_health.id,
                    "product_id": self.product.id,
                    "lot_id": self.lot.id,
                    "team_id": self.team.id,
                    "pet_id": self.pet.id,
                }
                for i in range(count)
            ]
        )
        alerts = self._alerts("pet_health", lot_id=self.lot.id)
        self.assertEqual(len(alerts), count)
        todo = self.env.ref("mail.mail_activity_data_todo")
        for alert in alerts:
            self.assertIn(
                self.manager,
                alert.activity_ids.filtered(
                    lambda a: a.activity_type_id == todo
                ).user_id,
            )
        # no mail per alert nor per to-do: one digest
        to_manager = self.env["mail.message"].search(
            [("partner_ids", "in", self.manager.partner_id.ids)]
        )
        self.assertEqual(len(to_manager), 1)
        self.assertIn(f"{count} new after-sales alerts", to_manager.subject)
        for alert in alerts:
            self.assertIn(f'res_id={alert.id}"', to_manager.body)

    def test_medium_alert_does_not_notify(self):
        self._case()
        self._case()
        self._case()
        self.company.aftersales_risk_high_score = 13
        self.Alert._cron_detect()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self.assertEqual(alert.severity, "medium")
        self.assertFalse(alert.activity_ids)


@tagged("post_install", "-at_install")
class TestRateAlerts(AlertCommon):
    def _due_cases(self, total, breached):
        now = fields.Datetime.now()
        cases = self.Case
        for _i in range(total):
            cases |= self._case(category_id=self.cat_delivery.id, lot_id=False)
        self._set(
            cases,
            resolution_deadline=now - timedelta(days=2),
            resolved_date=now - timedelta(days=3),
        )
        self._set(cases[:breached], resolved_date=now - timedelta(days=1))
        return cases

    def test_sla_breach_at_threshold(self):
        cases = self._due_cases(5, 1)  # 1/5 = 20 %
        self.Alert._cron_detect()
        alert = self._alerts("sla_breach", team_id=self.team.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, cases[:1])
        self.assertEqual(alert.severity, "medium")

    def test_sla_breach_below_threshold(self):
        self._due_cases(6, 1)  # 1/6 = 16.7 %
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("sla_breach", team_id=self.team.id))

    def test_sla_open_case_past_deadline_counts_as_breached(self):
        cases = self._due_cases(5, 0)
        self._set(cases[:1], resolved_date=None)
        self.Alert._cron_detect()
        self.assertEqual(
            self._alerts("sla_breach", team_id=self.team.id).case_ids, cases[:1]
        )

    def _rated_cases(self, scores):
        cases = self.Case
        for _score in scores:
            cases |= self._case(category_id=self.cat_delivery.id, lot_id=False)
        for case, score in zip(cases, scores, strict=True):
            self._set(
                case,
                csat_score=score,
                resolved_date=fields.Datetime.now() - timedelta(days=1),
            )
        return cases

    def test_csat_drop_under_threshold(self):
        cases = self._rated_cases([100, 90, 50, 50, 54])  # average 68.8
        self.Alert._cron_detect()
        team_alert = self._alerts("csat_drop", team_id=self.team.id)
        product_alert = self._alerts("csat_drop", product_id=self.product.id)
        self.assertEqual(len(team_alert), 1)
        self.assertEqual(len(product_alert), 1)
        self.assertEqual(team_alert.case_ids, cases[2:])
        self.assertNotEqual(team_alert, product_alert)

    def test_csat_at_threshold_raises_nothing(self):
        self._rated_cases([100, 90, 50, 50, 60])  # average 70.0
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("csat_drop", team_id=self.team.id))

    def test_csat_needs_minimum_sample(self):
        self._rated_cases([0, 0, 0, 0])
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("csat_drop", team_id=self.team.id))

    def _deliver_and_return(self, delivered, returned):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        customers = self.env.ref("stock.stock_location_customers")
        move = self.env["stock.move"].create(
            {
                "name": "Delivery",
                "product_id": self.other_product.id,
                "product_uom_qty": delivered,
                "product_uom": self.other_product.uom_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "company_id": self.company.id,
            }
        )
        self._set(move, state="done", date=fields.Datetime.now() - timedelta(days=5))
        case = self._case(
            category_id=self.cat_delivery.id,
            product_id=self.other_product.id,
            lot_id=False,
        )
        rma = self.env["aftersales.rma"].create(
            {
                "partner_id": self.customer.id,
                "case_id": case.id,
                "line_ids": [
                    Command.create(
                        {"product_id": self.other_product.id, "quantity": returned}
                    )
                ],
            }
        )
        self._set(rma, state="submitted")
        return case

    def test_return_rate_at_target(self):
        case = self._deliver_and_return(100, 5)  # 5 %
        self.Alert._cron_detect()
        alert = self._alerts("return_rate", product_id=self.other_product.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, case)
        self.assertIn("5.0%", str(alert.description))

    def test_return_rate_below_target(self):
        self._deliver_and_return(100, 4)  # 4 %
        self.Alert._cron_detect()
        self.assertFalse(self._alerts("return_rate", product_id=self.other_product.id))


@tagged("post_install", "-at_install")
class TestRiskMatrixAndAccess(AlertCommon):
    def test_risk_matrix_bands(self):
        severity = self.company._aftersales_risk_severity
        self.assertEqual(severity(2, 2), "low")
        self.assertEqual(severity(1, 5), "medium")
        self.assertEqual(severity(3, 3), "medium")
        self.assertEqual(severity(2, 5), "high")
        self.assertEqual(severity(3, 5), "high")
        self.assertEqual(severity(4, 4), "critical")
        self.assertEqual(severity(5, 5), "critical")

    def test_risk_matrix_settings_recompute_severity(self):
        alert = self.Alert.create(
            {
                "name": "Manual alert",
                "alert_type": "return_rate",
                "likelihood": 3,
                "impact": 4,
            }
        )
        self.assertEqual(alert.severity, "high")
        settings = self.env["res.config.settings"].create(
            {"aftersales_risk_high_score": 15, "aftersales_risk_critical_score": 20}
        )
        settings.execute()
        self.assertEqual(alert.severity, "medium")
        with self.assertRaises(ValidationError):
            self.company.aftersales_risk_critical_score = 12
        with self.assertRaises(ValidationError):
            alert.likelihood = 6

    def test_agent_reads_but_cannot_change_alerts(self):
        self._case(category_id=self.cat_health.id)
        alert = self._alerts("pet_health", lot_id=self.lot.id).with_user(self.agent)
        self.assertTrue(alert.name)
        with self.assertRaises(AccessError):
            alert.action_acknowledge()
        alert.with_user(self.supervisor).action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertEqual(alert.user_id, self.supervisor)
        # A second click is harmless.
        alert.with_user(self.supervisor).action_acknowledge()
        self.assertEqual(alert.user_id, self.supervisor)

    def test_manual_reopen_refuses_duplicate_subject(self):
        self._case(category_id=self.cat_health.id)
        alert = self._alerts("pet_health", lot_id=self.lot.id)
        alert.action_resolve()
        alert.action_reopen()
        self.assertEqual(alert.state, "new")
        self.assertEqual(alert.reopen_count, 1)


@tagged("post_install", "-at_install")
class TestAlertDesk(AlertCommon):
    """The manager runs the detection from the Alerts list and handles
    several alerts at once."""

    def _list_arch(self, user):
        views = self.Alert.with_user(user).get_views([(False, "list")])
        return views["views"]["list"]["arch"]

    def test_manager_detects_now_from_the_list(self):
        cases = self._case() | self._case() | self._case()
        self.assertFalse(self._alerts("quality_cluster", lot_id=self.lot.id))
        self.assertIn('name="action_detect_now"', self._list_arch(self.manager))
        result = self.Alert.with_user(self.manager).action_detect_now()
        alert = self._alerts("quality_cluster", lot_id=self.lot.id)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.case_ids, cases)
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("new alert(s)", result["params"]["message"])
        self.assertNotIn("Detection done: 0 new", result["params"]["message"])
        # the same detection as the hourly job: a second run finds nothing new
        result = self.Alert.with_user(self.manager).action_detect_now()
        self.assertIn("0 new alert(s)", result["params"]["message"])
        self.assertEqual(len(self._alerts("quality_cluster", lot_id=self.lot.id)), 1)

    def test_agent_cannot_detect_now(self):
        self._case() | self._case() | self._case()
        self.assertNotIn('name="action_detect_now"', self._list_arch(self.agent))
        for user in (self.agent, self.supervisor):
            with self.assertRaises(AccessError):
                self.Alert.with_user(user).action_detect_now()
        self.assertFalse(self._alerts("quality_cluster", lot_id=self.lot.id))

    def test_bulk_acknowledge_and_resolve_selected_alerts(self):
        cases = self._case(category_id=self.cat_health.id) | self._case(
            category_id=self.cat_health.id, lot_id=False
        )
        alerts = self.Alert.search([("case_ids", "in", cases.ids)])
        self.assertEqual(len(alerts), 2)
        arch = self._list_arch(self.manager)
        self.assertIn('name="action_acknowledge"', arch)
        self.assertIn('name="action_resolve"', arch)
        self.assertNotIn('name="action_acknowledge"', self._list_arch(self.agent))
        selected = alerts.with_user(self.manager)
        selected.action_acknowledge()
        self.assertEqual(set(alerts.mapped("state")), {"acknowledged"})
        self.assertEqual(alerts.user_id, self.manager)
        with self.assertRaises(AccessError):
            alerts.with_user(self.agent).action_resolve()
        selected.action_resolve()
        self.assertEqual(set(alerts.mapped("state")), {"resolved"})
        self.assertTrue(all(alerts.mapped("date_resolved")))


@tagged("post_install", "-at_install")
@freeze_time("2026-11-25 10:00:00")  # SLA states and windows: not the clock's
class TestDetectorQueries(AlertCommon):
    def _new_cases(self, count):
        for _i in range(count):
            self._case()
            self._case(product_id=self.other_product.id, lot_id=False)
        self.env.invalidate_all()

    def test_cron_query_count_is_constant(self):
        # The demo returns must not add a return-rate alert to the count.
        self.env.company.aftersales_return_rate_target = 100.0
        # Two clusters already at the top of the risk scale (5+ cases).
        self._new_cases(5)
        self.Alert._cron_detect()
        self.env.invalidate_all()
        # Nothing new: the detector queries, the open alerts, date_last_seen
        # (no product or lot name is read: alert texts are written on create).
        with self.assertQueryCount(__system__=13):
            self.Alert._cron_detect()
        # New cases: the count depends on the alerts touched, not on the number
        # of cases linked (no per-case query). Warm the caches once first.
        self._new_cases(1)
        self.Alert._cron_detect()
        self._new_cases(1)
        with self.assertQueryCount(__system__=31):
            self.Alert._cron_detect()
        self._new_cases(6)
        with self.assertQueryCount(__system__=31):
            self.Alert._cron_detect()
