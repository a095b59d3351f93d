from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .aftersales_case import RISK_LEVELS

# Risk matrix defaults: likelihood x impact (1-25) cut into four bands.
RISK_MEDIUM_SCORE = 5
RISK_HIGH_SCORE = 10
RISK_CRITICAL_SCORE = 16
OPEN_STATES = ("new", "acknowledged")


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
        RISK_LEVELS,
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
