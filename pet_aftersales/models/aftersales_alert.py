from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

# Risk matrix defaults: likelihood x impact (1-25) cut into four bands.
RISK_MEDIUM_SCORE = 5
RISK_HIGH_SCORE = 10
RISK_CRITICAL_SCORE = 16
OPEN_STATES = ("new", "acknowledged")


def _by_id(records):
    """{id: record} of a recordset, each record keeping the recordset's
    prefetch, so that reading a field on one reads it for all."""
    return {record.id: record for record in records}


class AftersalesAlert(models.Model):
    _name = "aftersales.alert"
    _description = "After-sales Alert"
    # above this many alerts to announce at once, managers get one digest
    _aftersales_digest_size = 5
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_last_seen desc, id desc"
    _check_company_auto = True

    # written by the detectors in every installed language (managers read
    # alerts in their own); see _aftersales_translate_texts
    name = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    alert_type = fields.Selection(
        [
            ("quality_cluster", "Quality Cluster"),
            ("pet_health", "Pet Health"),
            ("sla_breach", "SLA Breach"),
            ("csat_drop", "Satisfaction Drop"),
            ("return_rate", "Return Rate"),
        ],
        string="Type",
        required=True,
        index=True,
        tracking=True,
    )
    likelihood = fields.Integer(
        default=3, tracking=True, help="How likely the risk is, from 1 to 5."
    )
    impact = fields.Integer(
        default=3, tracking=True, help="How serious the consequences are, from 1 to 5."
    )
    severity = fields.Selection(
        [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        compute="_compute_severity",
        store=True,
        index=True,
        tracking=True,
        help="From the risk matrix: likelihood x impact.",
    )
    product_id = fields.Many2one(
        "product.product", index="btree_not_null", check_company=True
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        index="btree_not_null",
        check_company=True,
    )
    team_id = fields.Many2one("aftersales.team", check_company=True)
    case_ids = fields.Many2many(
        "aftersales.case",
        "aftersales_alert_case_rel",
        "alert_id",
        "case_id",
        string="Cases",
        check_company=True,
    )
    case_count = fields.Integer(compute="_compute_case_count")
    recall_ids = fields.One2many("aftersales.recall", "alert_id", string="Recalls")
    state = fields.Selection(
        [
            ("new", "New"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
        ],
        default="new",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
    )
    date_detected = fields.Datetime(
        default=fields.Datetime.now, required=True, readonly=True
    )
    date_last_seen = fields.Datetime(default=fields.Datetime.now, index=True)
    description = fields.Html(translate=True)
    subject_key = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        help="What the alert is about (e.g. quality_cluster:lot:42): a detector "
        "keeps one open alert per subject and updates it instead of raising a "
        "duplicate.",
    )
    date_resolved = fields.Datetime(readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False)

    _sql_constraints = [
        (
            "likelihood_range",
            "CHECK(likelihood >= 1 AND likelihood <= 5)",
            "The likelihood must be between 1 and 5.",
        ),
        (
            "impact_range",
            "CHECK(impact >= 1 AND impact <= 5)",
            "The impact must be between 1 and 5.",
        ),
    ]

    @api.depends(
        "likelihood",
        "impact",
        "company_id.aftersales_risk_medium_score",
        "company_id.aftersales_risk_high_score",
        "company_id.aftersales_risk_critical_score",
    )
    def _compute_severity(self):
        for alert in self:
            alert.severity = alert.company_id._aftersales_risk_severity(
                alert.likelihood or 1, alert.impact or 1
            )

    @api.depends("case_ids")
    def _compute_case_count(self):
        for alert in self:
            alert.case_count = len(alert.case_ids)

    @api.constrains("likelihood", "impact")
    def _check_risk_range(self):
        for alert in self:
            if not (1 <= alert.likelihood <= 5 and 1 <= alert.impact <= 5):
                raise ValidationError(
                    self.env._(
                        "Likelihood and impact go from 1 to 5 (alert %(alert)s).",
                        alert=alert.name,
                    )
                )

    def init(self):
        res = super().init()
        # One open alert per subject and company: detectors update it instead
        # of raising a duplicate; resolved alerts stay as history.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS aftersales_alert_open_subject_uniq "
                "ON aftersales_alert (company_id, subject_key) "
                "WHERE subject_key IS NOT NULL AND state != 'resolved'"
            )
        )
        # Detectors scan recent cases by creation date: keep that cheap on
        # millions of cases.
        tools.create_index(
            self.env.cr,
            "aftersales_case_create_date_company_index",
            "aftersales_case",
            ["create_date", "company_id"],
        )
        return res

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        alerts = super().create(vals_list)
        if not self.env.context.get("aftersales_alert_notify_later"):
            alerts._aftersales_notify_managers()
        return alerts

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_acknowledge(self):
        self.filtered(lambda a: a.state == "new").write(
            {"state": "acknowledged", "user_id": self.env.user.id}
        )
        return True

    def action_resolve(self):
        to_resolve = self.filtered(lambda a: a.state != "resolved")
        to_resolve.write({"state": "resolved", "date_resolved": fields.Datetime.now()})
        to_resolve.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_reopen(self):
        self.filtered(lambda a: a.state == "resolved")._aftersales_reopen()
        return True

    def action_detect_now(self):
        """Run the early-warning detection now, as the hourly job does.

        Managers only (the button is theirs); the detection itself reads
        every company's service data, as the job does, hence the sudo after
        the check. ``self`` is the selection of the list, if any: ignored.
        """
        if not self.env.user.has_group("pet_aftersales.pet_aftersales_group_manager"):
            raise AccessError(
                self.env._("Only after-sales managers can run the detection.")
            )
        alert_sudo = self.sudo().browse()
        last_id = alert_sudo.search([], order="id desc", limit=1).id or 0
        found = alert_sudo._cron_detect()
        created = found.filtered(lambda alert: alert.id > last_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if found else "info",
                "message": self.env._(
                    "Detection done: %(new)s new alert(s), %(seen)s existing "
                    "alert(s) seen again.",
                    new=len(created),
                    seen=len(found - created),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_start_recall(self):
        """Open the recall of the alert's product or lot, started (as a
        draft, with the alert's cases and its risk as the hazard) if there is
        none yet."""
        self.ensure_one()
        if not (self.product_id or self.lot_id):
            raise UserError(
                self.env._(
                    "Alert %(alert)s names no product or lot: start the recall "
                    "from the product or the lot.",
                    alert=self.name,
                )
            )
        recall = self.env["aftersales.recall"]._start_for(
            self.product_id,
            self.lot_id,
            self.company_id,
            alert=self,
            reason=self.name,
            hazard=self.severity,
        )
        if self.state == "new":
            self.action_acknowledge()
        return recall._get_formview_action()

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        action["domain"] = [("id", "in", self.case_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # NOTIFICATION
    # ------------------------------------------------------------

    def _aftersales_notify_managers(self):
        """Activity + mail to the after-sales managers for high/critical alerts.

        A few alerts are announced one by one, in each alert's chatter. A
        burst (the first detection over the history, a bulk import of pet
        health cases) still gives every manager a to-do on every alert, but
        one digest mail per company instead of a mail per alert and per
        to-do.
        """
        alerts = self.filtered(
            lambda a: a.severity in ("high", "critical") and a.state != "resolved"
        )
        group = self.env.ref("pet_aftersales.pet_aftersales_group_manager")
        users = group.sudo().users.filtered(lambda u: not u.share)
        for company, company_alerts in alerts.grouped("company_id").items():
            managers = users.filtered(lambda u, c=company: c in u.company_ids)
            if not managers:
                continue
            if len(company_alerts) > self._aftersales_digest_size:
                company_alerts._aftersales_notify_digest(managers)
                continue
            for alert in company_alerts:
                for manager in managers:
                    alert._aftersales_activity_schedule(
                        manager,
                        lambda rec, env: {"summary": rec.name},
                        "mail.mail_activity_data_todo",
                    )
                alert.message_post_with_source(
                    "pet_aftersales.aftersales_alert_notification",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=managers.partner_id.ids,
                    subject=alert._aftersales_subject(),
                )

    def _aftersales_subject(self):
        self.ensure_one()
        severities = dict(self._fields["severity"]._description_selection(self.env))
        return self.env._(
            "[%(severity)s] %(alert)s",
            severity=severities[self.severity],
            alert=self.name,
        )

    def _aftersales_notify_digest(self, managers):
        """To-dos for every alert and manager in one batch, without their
        one-by-one assignment mails, and one digest mail to the managers."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        deadline = todo._get_date_deadline()
        # each manager's to-dos read the alert names in their language
        names = {
            lang: dict(
                zip(self.ids, self.with_context(lang=lang).mapped("name"), strict=True)
            )
            for lang in set(managers.mapped(lambda u: u.lang or self.env.lang))
        }
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "activity_type_id": todo.id,
                    "summary": names[manager.lang or self.env.lang][alert.id],
                    "user_id": manager.id,
                    "date_deadline": deadline,
                }
                for alert in self
                for manager in managers
            ]
        )
        items = Markup("").join(
            Markup('<li><a href="%s">%s</a></li>')
            % (alert._notify_get_action_link("view"), alert._aftersales_subject())
            for alert in self.sorted(lambda a: (-a.likelihood * a.impact, a.id))
        )
        self.env["mail.thread"].message_notify(
            partner_ids=managers.partner_id.ids,
            subject=self.env._(
                "%(count)s new after-sales alerts need a decision", count=len(self)
            ),
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Each alert has a to-do for you: acknowledge it and decide "
                    "on the contingency plan."
                ),
                items,
            ),
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _aftersales_reopen(self):
        """Reopen resolved alerts, unless their subject already has an open one."""
        if not self:
            return self
        open_alerts = self.search(
            [
                ("subject_key", "in", [k for k in self.mapped("subject_key") if k]),
                ("state", "in", OPEN_STATES),
            ]
        )
        taken = {(a.company_id.id, a.subject_key) for a in open_alerts}
        to_reopen = self.filtered(
            lambda a: not a.subject_key or (a.company_id.id, a.subject_key) not in taken
        )
        for alert in to_reopen:
            alert.write(
                {
                    "state": "new",
                    "date_resolved": False,
                    "date_last_seen": fields.Datetime.now(),
                    "reopen_count": alert.reopen_count + 1,
                }
            )
        to_reopen._aftersales_notify_managers()
        return to_reopen

    # ------------------------------------------------------------
    # DETECTION
    # ------------------------------------------------------------

    @api.model
    def _cron_detect(self):
        """Run every detector; each one keeps one open alert per subject."""
        # the detectors aggregate in SQL: write pending values first
        self.env.flush_all()
        now = fields.Datetime.now()
        findings = []
        findings += self._aftersales_find_quality_clusters(now)
        findings += self._aftersales_find_pet_health(now)
        findings += self._aftersales_find_sla_breaches(now)
        findings += self._aftersales_find_csat_drops(now)
        findings += self._aftersales_find_return_rates(now)
        return self._aftersales_apply_findings(findings, now)

    @api.model
    def _aftersales_detect_pet_health(self, cases):
        """Raise a critical alert at once for each pet_health case.

        Called from case create/write: the case author may only read alerts,
        and the alert is the system's reaction to a case they could create.
        """
        pet_cases = cases.filtered(
            lambda c: c.category_id.code == "pet_health" and c.active
        )
        if not pet_cases:
            return self.browse()
        findings = [
            self._aftersales_pet_health_finding(
                case.id,
                case.company_id.id,
                case.product_id.id,
                case.lot_id.id,
                case.team_id.id,
                case.create_date,
                case.display_name,
            )
            for case in pet_cases
        ]
        alert_sudo = self.sudo()
        return alert_sudo._aftersales_apply_findings(findings, fields.Datetime.now())

    @api.model
    def _aftersales_companies(self):
        return self.env["res.company"].sudo().search([])

    @api.model
    def _aftersales_pet_health_finding(
        self, case_id, company_id, product_id, lot_id, team_id, evidence, case_name
    ):
        return {
            "company_id": company_id,
            "alert_type": "pet_health",
            "subject_key": f"pet_health:case:{case_id}",
            "texts": lambda env: (
                env._("Pet health report: %(case)s", case=case_name),
                Markup("<p>%s</p>")
                % env._(
                    "A customer reports a pet health problem. Call the customer "
                    "today, record the product and lot, and decide whether the "
                    "lot must be blocked."
                ),
            ),
            "product_id": product_id or False,
            "lot_id": lot_id or False,
            "team_id": team_id or False,
            "case_ids": [case_id],
            "likelihood": 5,
            "impact": 5,
            "evidence_date": evidence,
        }

    @api.model
    def _aftersales_find_quality_clusters(self, now):
        companies = self._aftersales_companies()
        max_days = max(companies.mapped("aftersales_cluster_days") or [0])
        if max_days <= 0:
            return []
        rows = self.env.execute_query(
            SQL(
                """
            SELECT c.company_id,
                   CASE WHEN c.lot_id IS NOT NULL THEN 'lot' ELSE 'product' END,
                   COALESCE(c.lot_id, c.product_id),
                   (array_agg(c.product_id ORDER BY c.id))[1],
                   array_agg(c.id ORDER BY c.id),
                   max(c.create_date),
                   bool_or(cat.code IN ('food_safety', 'pet_health')),
                   count(*),
                   rc.aftersales_cluster_min_cases
              FROM aftersales_case c
              JOIN aftersales_category cat ON cat.id = c.category_id
              JOIN res_company rc ON rc.id = c.company_id
             WHERE c.create_date >= %(cutoff)s
               AND c.create_date >= %(now)s
                   - make_interval(days => rc.aftersales_cluster_days)
               AND cat.is_quality
               AND c.active
               AND (c.lot_id IS NOT NULL OR c.product_id IS NOT NULL)
               AND rc.aftersales_cluster_min_cases > 0
          GROUP BY c.company_id, rc.id, 2, 3
            HAVING count(*) >= rc.aftersales_cluster_min_cases
            """,
                cutoff=now - timedelta(days=max_days),
                now=now,
            )
        )
        # records by id, iterated from one recordset so that their names
        # are read in one query (recordset.browse(id) would not prefetch)
        products = _by_id(self.env["product.product"].browse({r[3] for r in rows}))
        lots = _by_id(
            self.env["stock.lot"].browse({r[2] for r in rows if r[1] == "lot"})
        )
        findings = []
        for (
            company_id,
            kind,
            subject_id,
            product_id,
            case_ids,
            evidence,
            food_safety,
            count,
            min_cases,
        ) in rows:
            if kind == "lot":
                lot = lots[subject_id]

                def subject(env, lot=lot):
                    return env._(
                        "lot %(lot)s of %(product)s",
                        lot=lot.name,
                        product=lot.with_env(env).product_id.display_name,
                    )
            else:

                def subject(env, product=products[subject_id]):
                    return product.with_env(env).display_name

            findings.append(
                {
                    "company_id": company_id,
                    "alert_type": "quality_cluster",
                    "subject_key": f"quality_cluster:{kind}:{subject_id}",
                    "texts": lambda env, subject=subject, count=count: (
                        env._(
                            "Quality cases cluster on %(subject)s",
                            subject=subject(env),
                        ),
                        Markup("<p>%s</p>")
                        % env._(
                            "%(count)s quality cases on %(subject)s within the "
                            "alert window. Review a recall: check the lot's "
                            "stock and customers, inspect retained samples and "
                            "decide whether to block the lot.",
                            count=count,
                            subject=subject(env),
                        ),
                    ),
                    "product_id": product_id,
                    "lot_id": subject_id if kind == "lot" else False,
                    "case_ids": case_ids,
                    # At the threshold the risk is "possible" (3); every extra
                    # case makes a product defect more likely.
                    "likelihood": min(5, 3 + count - min_cases),
                    "impact": 5 if food_safety else 4,
                    "evidence_date": evidence,
                }
            )
        return findings

    @api.model
    def _aftersales_find_pet_health(self, now):
        """Safety net for pet_health cases that got no alert at creation
        (e.g. imported): one query, only for the last days."""
        rows = self.env.execute_query(
            SQL(
                """
            SELECT c.id, c.company_id, c.product_id, c.lot_id, c.team_id,
                   c.create_date, COALESCE(c.reference, '') || ' ' || c.name
              FROM aftersales_case c
              JOIN aftersales_category cat ON cat.id = c.category_id
             WHERE c.create_date >= %(cutoff)s
               AND cat.code = 'pet_health'
               AND c.active
               AND NOT EXISTS (
                   SELECT 1
                     FROM aftersales_alert_case_rel rel
                     JOIN aftersales_alert a ON a.id = rel.alert_id
                    WHERE rel.case_id = c.id AND a.alert_type = 'pet_health')
            """,
                cutoff=now - timedelta(days=7),
            )
        )
        return [self._aftersales_pet_health_finding(*row) for row in rows]

    @api.model
    def _aftersales_find_sla_breaches(self, now):
        rows = self.env.execute_query(
            SQL(
                """
            SELECT c.company_id, c.team_id, count(*),
                   array_agg(c.id ORDER BY c.id) FILTER (WHERE %(breached)s),
                   max(c.resolution_deadline) FILTER (WHERE %(breached)s),
                   rc.aftersales_sla_breach_rate
              FROM aftersales_case c
              JOIN res_company rc ON rc.id = c.company_id
             WHERE c.resolution_deadline >= %(cutoff)s
               AND c.resolution_deadline < %(now)s
               AND c.team_id IS NOT NULL
               AND c.active
               AND rc.aftersales_sla_breach_rate > 0
          GROUP BY c.company_id, rc.id, c.team_id
            HAVING count(*) >= rc.aftersales_alert_min_sample
               AND count(*) FILTER (WHERE %(breached)s) * 100.0
                   >= rc.aftersales_sla_breach_rate * count(*)
            """,
                breached=SQL(
                    "(c.sla_status IN ('breached', 'failed') "
                    "OR COALESCE(c.resolved_date, %s) > c.resolution_deadline)",
                    now,
                ),
                cutoff=now - timedelta(days=7),
                now=now,
            )
        )
        teams = _by_id(self.env["aftersales.team"].browse({r[1] for r in rows}))
        findings = []
        for company_id, team_id, total, case_ids, evidence, threshold in rows:
            breached = len(case_ids)
            rate = 100.0 * breached / total
            team = teams[team_id]

            def texts(
                env,
                team=team,
                breached=breached,
                total=total,
                rate=rate,
                threshold=threshold,
            ):
                return (
                    env._(
                        "SLA breaches in team %(team)s",
                        team=team.with_env(env).display_name,
                    ),
                    Markup("<p>%s</p>")
                    % env._(
                        "%(breached)s of %(total)s cases due in the last 7 "
                        "days missed their resolution deadline (%(rate)s%%, "
                        "threshold %(threshold)s%%). Check the team's "
                        "workload and staffing.",
                        breached=breached,
                        total=total,
                        rate=round(rate, 1),
                        threshold=threshold,
                    ),
                )

            findings.append(
                {
                    "company_id": company_id,
                    "alert_type": "sla_breach",
                    "subject_key": f"sla_breach:team:{team_id}",
                    "texts": texts,
                    "team_id": team_id,
                    "case_ids": case_ids,
                    "likelihood": 4 if rate >= 2 * threshold else 3,
                    "impact": 3,
                    "evidence_date": evidence,
                }
            )
        return findings

    @api.model
    def _aftersales_find_csat_drops(self, now):
        companies = self._aftersales_companies()
        max_days = max(companies.mapped("aftersales_csat_alert_days") or [0])
        if max_days <= 0:
            return []
        findings = []
        for kind, column in (("team", "team_id"), ("product", "product_id")):
            column_sql = SQL.identifier("c", column)
            rows = self.env.execute_query(
                SQL(
                    """
                SELECT c.company_id, %(column)s, count(*), avg(c.csat_score),
                       array_agg(c.id ORDER BY c.id) FILTER (
                           WHERE c.csat_score < rc.aftersales_csat_alert_threshold),
                       max(c.resolved_date),
                       rc.aftersales_csat_alert_threshold
                  FROM aftersales_case c
                  JOIN res_company rc ON rc.id = c.company_id
                 WHERE c.resolved_date >= %(cutoff)s
                   AND c.resolved_date >= %(now)s
                       - make_interval(days => rc.aftersales_csat_alert_days)
                   AND c.csat_score IS NOT NULL
                   AND %(column)s IS NOT NULL
                   AND c.active
              GROUP BY c.company_id, rc.id, %(column)s
                HAVING count(*) >= rc.aftersales_alert_min_sample
                   AND avg(c.csat_score) < rc.aftersales_csat_alert_threshold
                """,
                    column=column_sql,
                    cutoff=now - timedelta(days=max_days),
                    now=now,
                )
            )
            model = "aftersales.team" if kind == "team" else "product.product"
            records = _by_id(self.env[model].browse({r[1] for r in rows}))
            for company_id, res_id, count, average, case_ids, evidence, limit in rows:
                record = records[res_id]

                def texts(
                    env, record=record, average=average, count=count, limit=limit
                ):
                    return (
                        env._(
                            "Satisfaction drop: %(subject)s",
                            subject=record.with_env(env).display_name,
                        ),
                        Markup("<p>%s</p>")
                        % env._(
                            "Average satisfaction %(average)s over %(count)s "
                            "rated cases, under the threshold of %(limit)s. "
                            "Read the low-rated cases and call the customers "
                            "back.",
                            average=round(float(average), 1),
                            count=count,
                            limit=limit,
                        ),
                    )

                findings.append(
                    {
                        "company_id": company_id,
                        "alert_type": "csat_drop",
                        "subject_key": f"csat_drop:{kind}:{res_id}",
                        "texts": texts,
                        "team_id": res_id if kind == "team" else False,
                        "product_id": res_id if kind == "product" else False,
                        "case_ids": case_ids or [],
                        "likelihood": 4 if average < limit - 20 else 3,
                        "impact": 3,
                        "evidence_date": evidence,
                    }
                )
        return findings

    @api.model
    def _aftersales_find_return_rates(self, now):
        companies = self._aftersales_companies()
        max_days = max(companies.mapped("aftersales_return_rate_days") or [0])
        if max_days <= 0:
            return []
        rows = self.env.execute_query(
            SQL(
                """
            WITH delivered AS (
                SELECT sm.company_id, sm.product_id, sum(sm.product_qty) AS qty
                  FROM stock_move sm
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                  JOIN res_company rc ON rc.id = sm.company_id
                 WHERE sm.state = 'done'
                   AND dest.usage = 'customer'
                   AND sm.date >= %(cutoff)s
                   AND sm.date >= %(now)s
                       - make_interval(days => rc.aftersales_return_rate_days)
              GROUP BY sm.company_id, sm.product_id
            ), returned AS (
                SELECT r.company_id, l.product_id, sum(l.product_uom_qty) AS qty,
                       array_agg(DISTINCT r.case_id)
                           FILTER (WHERE r.case_id IS NOT NULL) AS case_ids,
                       max(r.create_date) AS evidence
                  FROM aftersales_rma_line l
                  JOIN aftersales_rma r ON r.id = l.rma_id
                  JOIN res_company rc ON rc.id = r.company_id
                 WHERE r.state NOT IN ('draft', 'rejected', 'cancelled')
                   AND r.create_date >= %(cutoff)s
                   AND r.create_date >= %(now)s
                       - make_interval(days => rc.aftersales_return_rate_days)
              GROUP BY r.company_id, l.product_id
            )
            SELECT ret.company_id, ret.product_id, ret.qty, del.qty,
                   ret.case_ids, ret.evidence, rc.aftersales_return_rate_target
              FROM returned ret
              JOIN delivered del ON del.company_id = ret.company_id
                                AND del.product_id = ret.product_id
              JOIN res_company rc ON rc.id = ret.company_id
             WHERE del.qty >= rc.aftersales_alert_min_sample
               AND rc.aftersales_return_rate_target > 0
               AND ret.qty * 100.0 >= rc.aftersales_return_rate_target * del.qty
            """,
                cutoff=now - timedelta(days=max_days),
                now=now,
            )
        )
        products = _by_id(self.env["product.product"].browse({r[1] for r in rows}))
        findings = []
        for (
            company_id,
            product_id,
            returned,
            delivered,
            case_ids,
            evidence,
            target,
        ) in rows:
            rate = 100.0 * returned / delivered
            product = products[product_id]

            def texts(
                env,
                product=product,
                returned=returned,
                delivered=delivered,
                rate=rate,
                target=target,
            ):
                return (
                    env._(
                        "Return rate of %(product)s",
                        product=product.with_env(env).display_name,
                    ),
                    Markup("<p>%s</p>")
                    % env._(
                        "%(returned)s returned for %(delivered)s delivered "
                        "(%(rate)s%%, target under %(target)s%%). Look at "
                        "the return reasons and the product description.",
                        returned=round(returned, 2),
                        delivered=round(delivered, 2),
                        rate=round(rate, 1),
                        target=target,
                    ),
                )

            findings.append(
                {
                    "company_id": company_id,
                    "alert_type": "return_rate",
                    "subject_key": f"return_rate:product:{product_id}",
                    "texts": texts,
                    "product_id": product_id,
                    "case_ids": case_ids or [],
                    "likelihood": 4 if rate >= 2 * target else 3,
                    "impact": 3,
                    "evidence_date": evidence,
                }
            )
        return findings

    @api.model
    def _aftersales_apply_findings(self, findings, now):
        """Create, update or reopen alerts from detector findings.

        A finding holds the alert's values, its ``case_ids`` and
        ``evidence_date``, and ``texts(env)``: its (name, description) in
        ``env``'s language, so that a new alert reads in every language.

        Idempotent: an open alert of the same company and subject is updated
        (date_last_seen, new cases linked, risk raised); a resolved one is
        reopened only when the detector saw evidence newer than its resolution.
        """
        if not findings:
            return self.browse()
        keys = list({f["subject_key"] for f in findings})
        existing = self.with_context(active_test=False).search(
            [("subject_key", "in", keys)], order="id desc"
        )
        open_alerts = {}
        resolved_alerts = {}
        for alert in existing:
            key = (alert.company_id.id, alert.subject_key)
            if alert.state in OPEN_STATES:
                open_alerts[key] = alert
            else:
                resolved_alerts.setdefault(key, alert)
        seen = self.browse()
        touched = self.browse()
        to_reopen = self.browse()
        to_create = []
        create_texts = []
        english = self.with_context(lang="en_US")
        for finding in findings:
            key = (finding["company_id"], finding["subject_key"])
            texts = finding.pop("texts")
            case_ids = finding.pop("case_ids")
            evidence = finding.pop("evidence_date")
            alert = open_alerts.get(key)
            if not alert and key in resolved_alerts:
                resolved = resolved_alerts[key]
                if not evidence or evidence <= resolved.date_resolved:
                    continue
                alert = resolved
                to_reopen |= alert
            if not alert:
                name, description = texts(english.env)
                create_texts.append(texts)
                to_create.append(
                    {
                        **finding,
                        "name": name,
                        "description": description,
                        "case_ids": [Command.set(case_ids)],
                        "date_detected": now,
                        "date_last_seen": now,
                    }
                )
                continue
            new_cases = set(case_ids) - set(alert.case_ids.ids)
            escalate = (
                finding["likelihood"] > alert.likelihood
                or finding["impact"] > alert.impact
            )
            if not new_cases and not escalate:
                seen |= alert
                continue
            vals = {
                "date_last_seen": now,
                "likelihood": max(finding["likelihood"], alert.likelihood),
                "impact": max(finding["impact"], alert.impact),
            }
            if new_cases:
                vals["case_ids"] = [Command.link(cid) for cid in sorted(new_cases)]
            previous_severity = alert.severity
            alert.write(vals)
            touched |= alert
            if new_cases:
                alert.message_post(
                    body=self.env._(
                        "Seen again: %(count)s new case(s) linked.",
                        count=len(new_cases),
                    ),
                )
            if (
                alert not in to_reopen
                and alert.severity != previous_severity
                and alert.severity in ("high", "critical")
            ):
                alert._aftersales_notify_managers()
        if seen:
            seen.write({"date_last_seen": now})
        if to_reopen:
            to_reopen = to_reopen._aftersales_reopen()
            for alert in to_reopen:
                alert.message_post(body=self.env._("Reopened: the pattern came back."))
        created = self.browse()
        if to_create:
            # written in English, the source of every translation; the
            # managers are told once the alerts read in their languages
            created = (
                english.with_context(aftersales_alert_notify_later=True)
                .create(to_create)
                .with_env(self.env)
            )
            created._aftersales_translate_texts(create_texts)
            created._aftersales_notify_managers()
        return created | touched | seen | to_reopen

    def _aftersales_translate_texts(self, texts_list):
        """Give each alert, created in English, its name and description in
        every other installed language: ``texts_list[i](env)`` returns the
        i-th alert's (name, description) in ``env``'s language."""
        langs = [
            code
            for code, _name in self.env["res.lang"].get_installed()
            if code != "en_US"
        ]
        if not langs:
            return
        english = self.with_context(lang="en_US").env
        # the description is HTML, translated term by term (html_translate)
        field = self._fields["description"]
        terms = [{} for _alert in self]
        for lang in langs:
            localized = self.with_context(lang=lang, mail_notrack=True)
            for alert, texts, by_lang in zip(localized, texts_list, terms, strict=True):
                name, description = texts(localized.env)
                alert.write({"name": name})
                by_lang[lang] = field.get_trans_terms(str(description))
        for alert, texts, by_lang in zip(self, texts_list, terms, strict=True):
            source = field.get_trans_terms(str(texts(english)[1]))
            alert.update_field_translations(
                "description",
                {
                    lang: dict(zip(source, translated, strict=True))
                    for lang, translated in by_lang.items()
                },
            )
