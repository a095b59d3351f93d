"""A recall line: one customer who received a recalled product (and lot),
their notice, answer, return or disposal, and any pet-health case."""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .aftersales_recall import ANSWERED_STATES


class AftersalesRecallLine(models.Model):
    _name = "aftersales.recall.line"
    _description = "Product Recall Customer"
    _inherit = ["portal.mixin"]
    _order = "recall_id, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    recall_id = fields.Many2one(
        "aftersales.recall",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True, index=True)
    recall_state = fields.Selection(related="recall_id.state", string="Recall Status")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    notice_partner_id = fields.Many2one(
        "res.partner",
        string="Notice Sent To",
        compute="_compute_notice_partner_id",
        help="Who gets the notice by e-mail: the customer, else their company, "
        "else a contact of that company with an e-mail address.",
    )
    notice_sibling_ids = fields.Many2many(
        "aftersales.recall.line",
        string="Other Goods of the Notice",
        compute="_compute_notice_sibling_ids",
        help="The customer's other lines of the same recall: one notice (and "
        "one reminder) names them all.",
    )
    product_id = fields.Many2one("product.product", required=True, index=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", index="btree_not_null"
    )
    lot_key = fields.Integer(
        required=True,
        default=0,
        help="The lot id, 0 without lot: keeps one line per customer, product "
        "and lot (a NULL lot would not be unique).",
    )
    qty_shipped = fields.Float(
        string="Shipped", digits="Product Unit of Measure", readonly=True
    )
    date_delivered = fields.Datetime(string="Last Delivery", readonly=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sales Order Line", readonly=True
    )
    sale_order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("notified", "Notified"),
            ("acknowledged", "Acknowledged"),
            ("returned", "Returned"),
            ("disposed", "Disposed"),
            ("unreachable", "Unreachable"),
        ],
        string="Status",
        default="pending",
        required=True,
        index=True,
        copy=False,
    )
    notified_date = fields.Datetime(string="Notified on", readonly=True, copy=False)
    reminder_count = fields.Integer(readonly=True, copy=False)
    reminder_date = fields.Datetime(string="Last Reminder", readonly=True, copy=False)
    call_scheduled = fields.Boolean(readonly=True, copy=False)
    acknowledged_date = fields.Datetime(
        string="Acknowledged on", readonly=True, copy=False
    )
    qty_remaining = fields.Float(
        string="Still Held",
        digits="Product Unit of Measure",
        copy=False,
        help="What the customer says they still have.",
    )
    choice = fields.Selection(
        [("return", "Return"), ("dispose", "Dispose")], copy=False
    )
    rma_id = fields.Many2one(
        "aftersales.rma",
        string="Return",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    case_ids = fields.Many2many(
        "aftersales.case",
        "aftersales_recall_line_case_rel",
        "line_id",
        "case_id",
        string="Pet-health Cases",
        copy=False,
    )
    qty_returned = fields.Float(
        string="Returned",
        compute="_compute_recovered",
        store=True,
        digits="Product Unit of Measure",
    )
    qty_disposed = fields.Float(
        string="Disposed",
        compute="_compute_recovered",
        store=True,
        digits="Product Unit of Measure",
    )

    _sql_constraints = [
        (
            "recall_partner_product_lot_unique",
            "UNIQUE(recall_id, partner_id, product_id, lot_key)",
            "A customer appears once per product and lot in a recall.",
        ),
        (
            "qty_remaining_positive",
            "CHECK(qty_remaining >= 0)",
            "The quantity still held cannot be negative.",
        ),
    ]

    @api.depends(
        "rma_id.state",
        "rma_id.return_method",
        "rma_id.line_ids.received_qty",
        "rma_id.line_ids.inspection_result",
    )
    def _compute_recovered(self):
        for line in self:
            rma = line.rma_id
            qty = 0.0
            if rma.state in ("received", "done"):
                qty = sum(
                    rma.line_ids.filtered(
                        lambda rl, line=line: rl.product_id == line.product_id
                    ).mapped("received_qty")
                )
            line.qty_returned = qty if rma.return_method != "dispose" else 0.0
            line.qty_disposed = qty if rma.return_method == "dispose" else 0.0

    @api.depends(
        "partner_id.email",
        "partner_id.commercial_partner_id.email",
        "partner_id.commercial_partner_id.child_ids.email",
    )
    def _compute_notice_sibling_ids(self):
        rows = self.sudo()._read_group(
            [
                ("recall_id", "in", self.recall_id.ids),
                ("partner_id", "in", self.partner_id.ids),
            ],
            ["recall_id", "partner_id"],
            ["id:array_agg"],
        )
        ids_by_customer = {
            (recall.id, partner.id): ids for recall, partner, ids in rows
        }
        for line in self:
            ids = ids_by_customer.get((line.recall_id.id, line.partner_id.id), [])
            line.notice_sibling_ids = self.browse(sorted(set(ids) - {line.id}))

    def _compute_notice_partner_id(self):
        for line in self:
            partner = line.partner_id
            company = partner.commercial_partner_id
            contacts = company.child_ids.filtered(
                lambda c: c.type in ("contact", "invoice") and c.email
            )
            line.notice_partner_id = next(
                (p for p in (partner, company, *contacts) if p.email), False
            )

    def _compute_access_url(self):
        for line in self:
            line.access_url = f"/my/recall/{line.id}"

    @api.depends("partner_id", "product_id", "lot_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " - ".join(
                name
                for name in (
                    line.partner_id.display_name,
                    line.product_id.display_name,
                    line.lot_id.name,
                )
                if name
            )

    # ------------------------------------------------------------
    # NOTICES
    # ------------------------------------------------------------

    @api.model
    def _pending_domain(self):
        return [("state", "=", "pending"), ("recall_id.state", "=", "open")]

    @api.model
    def _lock_lines(self, where, limit=None):
        """Ids of lines matching ``where``, locked for this transaction; lines
        another transaction holds are skipped: it is notifying them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT line.id
                  FROM aftersales_recall_line line
                  JOIN aftersales_recall recall ON recall.id = line.recall_id
                 WHERE recall.state = 'open' AND %s
                 ORDER BY line.id
                 %s
                   FOR UPDATE OF line SKIP LOCKED
                """,
                where,
                SQL("LIMIT %s", limit) if limit else SQL(""),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _notify_pending(self, recall_ids=None, limit=None):
        """Notify the pending lines of ``recall_ids`` (all open recalls when
        None), each once. Returns how many were notified."""
        where = SQL("line.state = 'pending'")
        if recall_ids:
            where = SQL("%s AND line.recall_id IN %s", where, tuple(recall_ids))
        ids = self._lock_lines(where, limit=limit)
        if not ids:
            return 0
        # the row locks are the check: re-read the state under the lock
        lines = self.sudo().browse(ids)
        lines.invalidate_recordset(["state"])
        lines = lines.filtered(lambda line: line.state == "pending")
        # a customer's other pending goods of the recall go in the same notice,
        # even past the batch limit: nobody is told twice
        lines = lines._with_locked_siblings(lambda line: line.state == "pending")
        reachable = lines.filtered("notice_partner_id")
        unreachable = lines - reachable
        now = fields.Datetime.now()
        for recall, recall_lines in reachable.grouped("recall_id").items():
            template = recall.notice_template_id or self.env.ref(
                "pet_aftersales.mail_template_recall_notice"
            )
            recall_lines._send_template(template)
        reachable.write({"state": "notified", "notified_date": now})
        if unreachable:
            unreachable.write({"state": "unreachable"})
            unreachable._schedule_call_activities(
                lambda env: env._(
                    "No e-mail address: call the customer about the recall."
                )
            )
        return len(lines)

    def _with_locked_siblings(self, predicate):
        """These lines and the customer's other lines of the same recall that
        ``predicate`` accepts, locked too (skipping those another transaction
        holds): one mail then tells the customer of all of them."""
        siblings = self.notice_sibling_ids.filtered(predicate) - self
        if not siblings:
            return self
        locked = self.browse(
            self._lock_lines(SQL("line.id IN %s", tuple(siblings.ids)))
        )
        # under the lock, read again what another worker may have changed
        locked.invalidate_recordset(["state", "reminder_count"])
        return self | locked.filtered(predicate)

    def _send_template(self, template):
        """Queue ``template`` once per customer of each recall, in their
        language: the mail names all the customer's goods of the recall (its
        first line's ``notice_sibling_ids``), each with its own link."""
        for line in self:
            line._portal_ensure_token()
        first_lines = self.browse(
            [
                lines[:1].id
                for lines in self.sorted("id")
                .grouped(lambda line: (line.recall_id, line.partner_id))
                .values()
            ]
        )
        for line in first_lines.notice_sibling_ids:
            line._portal_ensure_token()
        template.sudo().send_mail_batch(first_lines.ids, force_send=False)
        self.env["mail.thread"]._aftersales_wake_mail_queue()

    @api.model
    def _due_domain(self, days_field, domain):
        """Lines matching ``domain`` notified at least the ``days_field``
        days of their own company ago (no line of a company that set 0)."""
        now = fields.Datetime.now()
        per_company = [
            [
                ("company_id", "=", company.id),
                ("notified_date", "<=", now - timedelta(days=company[days_field])),
            ]
            for company in self.env["res.company"].sudo().search([])
            if company[days_field] > 0
        ]
        if not per_company:
            return expression.FALSE_DOMAIN
        return expression.AND(
            [
                [("state", "=", "notified"), ("recall_id.state", "=", "open")],
                domain,
                expression.OR(per_company),
            ]
        )

    @api.model
    def _reminder_domain(self):
        return self._due_domain(
            "aftersales_recall_reminder_days", [("reminder_count", "=", 0)]
        )

    @api.model
    def _call_domain(self):
        return self._due_domain(
            "aftersales_recall_call_days", [("call_scheduled", "=", False)]
        )

    @api.model
    def _send_reminders(self, limit=None):
        """One reminder to customers who did not answer the notice after the
        company's reminder days."""
        now = fields.Datetime.now()
        ids = []
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            days = company.aftersales_recall_reminder_days
            if days <= 0:
                continue
            ids += self._lock_lines(
                SQL(
                    "line.state = 'notified' AND line.reminder_count = 0 "
                    "AND recall.company_id = %s AND line.notified_date <= %s",
                    company.id,
                    now - timedelta(days=days),
                ),
                limit=limit and limit - len(ids),
            )
            if limit and len(ids) >= limit:
                break
        if not ids:
            return 0
        lines = self.sudo().browse(ids)
        lines.invalidate_recordset(["state", "reminder_count"])
        lines = lines.filtered(
            lambda line: line.state == "notified" and not line.reminder_count
        )
        # the customer's other unanswered goods of the recall: the same reminder
        lines = lines._with_locked_siblings(
            lambda line: line.state == "notified" and not line.reminder_count
        )
        lines._send_template(
            self.env.ref("pet_aftersales.mail_template_recall_reminder")
        )
        lines.write({"reminder_count": 1, "reminder_date": now})
        return len(lines)

    @api.model
    def _schedule_calls(self, limit=None):
        """An activity "call the customer" for the recall's responsible when
        the customer still did not answer the company's call days after the
        notice."""
        lines = self.sudo().search(self._call_domain(), order="id", limit=limit)
        lines._schedule_call_activities(
            lambda env: env._("No answer to the recall notice: call the customer.")
        )
        return len(lines)

    def _schedule_call_activities(self, note):
        """A call to-do per line for the recall's owner; ``note(env)`` says
        why, in the owner's language."""
        for line in self:
            recall = line.recall_id
            recall._aftersales_activity_schedule(
                recall.user_id or self.env.user,
                lambda recall, env, line=line: {
                    "summary": env._(
                        "Call %(customer)s about recall %(recall)s",
                        customer=line.partner_id.display_name,
                        recall=recall.name,
                    ),
                    "note": note(env)
                    + " "
                    + (line.partner_id.phone or line.partner_id.mobile or ""),
                },
                "pet_aftersales.mail_activity_type_recall_call",
            )
        self.write({"call_scheduled": True})

    # ------------------------------------------------------------
    # CUSTOMER ANSWERS (portal)
    # ------------------------------------------------------------

    def _portal_acknowledge(self, qty_remaining):
        """The customer read the notice and says how many units they still
        have. Acknowledged once: later answers only update the quantity while
        nothing was chosen yet."""
        self.ensure_one()
        if self.recall_id.state != "open":
            raise UserError(self.env._("This recall is closed."))
        if qty_remaining < 0 or qty_remaining > self.qty_shipped:
            raise UserError(
                self.env._(
                    "Enter how many units you still have, between 0 and "
                    "%(shipped)s.",
                    shipped=int(self.qty_shipped)
                    if self.qty_shipped == int(self.qty_shipped)
                    else self.qty_shipped,
                )
            )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM aftersales_recall_line WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset()
        if self.choice:
            return False
        vals = {"qty_remaining": qty_remaining}
        if self.state in ("pending", "notified", "unreachable"):
            vals.update(state="acknowledged", acknowledged_date=fields.Datetime.now())
        self.write(vals)
        return True

    def _portal_choose(self, choice, resolution="refund", attachment_ids=None):
        """Return or dispose of what the customer still has: one return
        authorization per line, whatever the number of clicks."""
        self.ensure_one()
        if choice not in ("return", "dispose"):
            raise UserError(self.env._("Choose to return or to dispose of the goods."))
        if resolution not in ("refund", "exchange"):
            raise UserError(self.env._("Choose a refund or an exchange."))
        if self.state not in ANSWERED_STATES:
            raise UserError(self.env._("Acknowledge the notice first."))
        if self.rma_id:
            return self.rma_id
        if not self.qty_remaining:
            raise UserError(
                self.env._(
                    "You have no units left: there is nothing to return or dispose of."
                )
            )
        if choice == "dispose" and self.company_id.aftersales_recall_dispose_photo:
            if not attachment_ids:
                raise UserError(
                    self.env._(
                        "Add a photo of the disposed product: we need it to "
                        "refund you."
                    )
                )
        if not self.sale_line_id:
            raise UserError(
                self.env._(
                    "We could not find the order of these goods: please contact us."
                )
            )
        returnable = self.sale_line_id.sudo()._aftersales_returnable_qty()
        qty = min(self.qty_remaining, returnable.get(self.sale_line_id.id, 0.0))
        if qty <= 0:
            raise UserError(
                self.env._("These goods are already being returned: see your returns.")
            )
        reason = self.env.ref("pet_aftersales.aftersales_return_reason_recall")
        rma = (
            self.env["aftersales.rma"]
            .sudo()
            ._portal_create(
                self.partner_id,
                self.sale_order_id,
                [
                    {
                        "sale_line_id": self.sale_line_id.id,
                        "quantity": qty,
                        "lot_id": self.lot_id.id,
                        "original_packaging": False,
                    }
                ],
                reason,
                return_method="dispose" if choice == "dispose" else "ship",
                description=self.env._(
                    "Recall %(recall)s: %(choice)s.",
                    recall=self.recall_id.name,
                    choice=dict(
                        self._fields["choice"]._description_selection(self.env)
                    )[choice],
                ),
                attachment_ids=attachment_ids,
            )
        )
        rma.write({"resolution": resolution, "shipping_paid_by": "company"})
        self.write({"choice": choice, "rma_id": rma.id})
        return rma

    def _portal_report_illness(self, description):
        """Open a pet-health case for the customer, linked to the recall.

        While that case is open, a new report (the same episode told again,
        a double click, a second tab) is added to it as the customer's
        message instead of opening another case; once it is closed, a new
        report opens a new case."""
        self.ensure_one()
        description = (description or "").strip()
        if not description:
            raise UserError(self.env._("Tell us what happened to your pet."))
        # one report at a time per notice: a second one waits, then sees the
        # case the first one opened
        self.env.cr.execute(
            SQL(
                "SELECT id FROM aftersales_recall_line WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(["case_ids"])
        open_case = self.sudo().case_ids.filtered(lambda case: not case.is_closed)[:1]
        if open_case:
            open_case.message_post(
                body=description,
                author_id=self.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            return open_case
        category = (
            self.env["aftersales.category"]
            .sudo()
            .search([("code", "=", "pet_health")], limit=1)
        )
        case = (
            self.env["aftersales.case"]
            .sudo()
            .create(
                {
                    "name": self.env._(
                        "Pet fell ill: %(product)s (recall %(recall)s)",
                        product=self.product_id.display_name,
                        recall=self.recall_id.name,
                    ),
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "channel": "portal",
                    "category_id": category.id,
                    "product_id": self.product_id.id,
                    "lot_id": self.lot_id.id,
                    "sale_order_id": self.sale_order_id.id,
                    "description": description,
                }
            )
        )
        self.sudo().case_ids = [Command.link(case.id)]
        return case

    @api.model
    def _sync_from_rmas(self, rmas):
        """A finished return closes its recall line: returned or disposed."""
        lines = self.sudo().search([("rma_id", "in", rmas.ids)])
        for line in lines:
            if line.rma_id.state == "done" and line.state == "acknowledged":
                line.state = (
                    "disposed" if line.rma_id.return_method == "dispose" else "returned"
                )
