"""The early-warning detectors: quality clusters on a lot or product, pet
health reports, SLA breaches per team, satisfaction drops, return rates;
each finding opens, updates or reopens one alert per subject."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from .aftersales_alert import OPEN_STATES


def _by_id(records):
    """{id: record} of a recordset, each record keeping the recordset's
    prefetch, so that reading a field on one reads it for all."""
    return {record.id: record for record in records}


# one file per concept of an alert: the alert, its detectors; not merged on
# purpose
class AftersalesAlert(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.alert"

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
