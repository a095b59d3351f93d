from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from .aftersales_case import RISK_LEVELS

MANAGER_GROUP = "pet_aftersales.pet_aftersales_group_manager"
SUPERVISOR_GROUP = "pet_aftersales.pet_aftersales_group_supervisor"
# line states in which the customer answered the notice
ANSWERED_STATES = ("acknowledged", "returned", "disposed")
# line states that count as "reached": the notice went out
REACHED_STATES = ("notified",) + ANSWERED_STATES


class AftersalesRecall(models.Model):
    _name = "aftersales.recall"
    _description = "Product Recall"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.state.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
        default=lambda self: self.env.user,
    )
    alert_id = fields.Many2one(
        "aftersales.alert",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The early-warning alert the recall was started from.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "aftersales_recall_product_rel",
        "recall_id",
        "product_id",
        string="Products",
        check_company=True,
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "aftersales_recall_lot_rel",
        "recall_id",
        "lot_id",
        string="Lots/Serial Numbers",
        check_company=True,
        help="Empty: every delivery of the products is recalled.",
    )
    case_ids = fields.Many2many(
        "aftersales.case",
        "aftersales_recall_case_rel",
        "recall_id",
        "case_id",
        string="Cases",
        check_company=True,
        help="The cases behind the recall and the pet-health cases customers "
        "reported from their notice.",
    )
    reason = fields.Text(
        required=True, tracking=True, help="Why the products are recalled."
    )
    hazard = fields.Selection(
        RISK_LEVELS,
        required=True,
        default="high",
        tracking=True,
        help="How dangerous the product is, from the risk matrix of the alert.",
    )
    instruction = fields.Selection(
        [
            ("return", "Return the Product"),
            ("dispose", "Dispose of the Product"),
            ("stop_use", "Stop Feeding and Watch for Symptoms"),
        ],
        string="Instructions",
        required=True,
        default="return",
        tracking=True,
    )
    instruction_note = fields.Html(
        string="Instructions to Customers",
        translate=True,
        help="Shown in the notice and on the customer's recall page.",
    )
    notice_template_id = fields.Many2one(
        "mail.template",
        domain=[("model", "=", "aftersales.recall.line")],
        default=lambda self: self.env.ref(
            "pet_aftersales.mail_template_recall_notice", raise_if_not_found=False
        ),
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "aftersales.recall.line", "recall_id", string="Affected Customers"
    )
    date_start = fields.Datetime(string="Started on", copy=False, readonly=True)
    date_closed = fields.Datetime(string="Closed on", copy=False, readonly=True)
    date_traced = fields.Datetime(string="Last Trace", copy=False, readonly=True)
    effectiveness_note = fields.Text(
        string="Effectiveness Check",
        copy=False,
        tracking=True,
        help="How the recall was checked to be effective: required to close it.",
    )
    customer_count = fields.Integer(compute="_compute_figures", string="Customers")
    notified_count = fields.Integer(compute="_compute_figures", string="Reached")
    acknowledged_count = fields.Integer(
        compute="_compute_figures", string="Acknowledged"
    )
    unreachable_count = fields.Integer(compute="_compute_figures", string="Unreachable")
    qty_shipped = fields.Float(
        compute="_compute_figures",
        string="Units Shipped",
        digits="Product Unit of Measure",
    )
    qty_returned = fields.Float(
        compute="_compute_figures",
        string="Units Returned",
        digits="Product Unit of Measure",
    )
    qty_disposed = fields.Float(
        compute="_compute_figures",
        string="Units Disposed",
        digits="Product Unit of Measure",
    )
    qty_unaccounted = fields.Float(
        compute="_compute_figures",
        string="Units Unaccounted",
        digits="Product Unit of Measure",
        help="Units shipped that are neither returned, disposed nor declared "
        "used up by the customer.",
    )
    rma_count = fields.Integer(compute="_compute_document_counts")
    case_count = fields.Integer(compute="_compute_document_counts")
    quarantine_count = fields.Integer(compute="_compute_document_counts")
    stock_quant_ids = fields.Many2many(
        "stock.quant",
        compute="_compute_stock_quant_ids",
        string="Stock on Hand",
        help="Recalled lots still in the warehouses, outside quarantine.",
    )
    stock_qty_on_hand = fields.Float(
        compute="_compute_stock_quant_ids",
        string="Units in Stock",
        digits="Product Unit of Measure",
        help="Units of the recalled lots still in the warehouses, outside "
        "quarantine: quarantine them so that no more of them ships.",
    )
    quarantine_picking_ids = fields.Many2many(
        "stock.picking",
        "aftersales_recall_quarantine_picking_rel",
        "recall_id",
        "picking_id",
        string="Quarantine Transfers",
        copy=False,
        readonly=True,
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends(
        "line_ids.state",
        "line_ids.qty_shipped",
        "line_ids.qty_remaining",
        "line_ids.qty_returned",
        "line_ids.qty_disposed",
    )
    def _compute_figures(self):
        figures = defaultdict(lambda: defaultdict(float))
        if self.ids:
            groups = self.env["aftersales.recall.line"]._read_group(
                [("recall_id", "in", self.ids)],
                ["recall_id", "state"],
                [
                    "__count",
                    "qty_shipped:sum",
                    "qty_remaining:sum",
                    "qty_returned:sum",
                    "qty_disposed:sum",
                ],
            )
            for recall, state, count, shipped, remaining, returned, disposed in groups:
                fig = figures[recall.id]
                fig["customers"] += count
                if state in REACHED_STATES:
                    fig["notified"] += count
                if state in ANSWERED_STATES:
                    fig["acknowledged"] += count
                    held = remaining
                else:
                    held = shipped
                if state == "unreachable":
                    fig["unreachable"] += count
                fig["shipped"] += shipped
                fig["returned"] += returned
                fig["disposed"] += disposed
                fig["unaccounted"] += max(held - returned - disposed, 0.0)
        for recall in self:
            fig = figures[recall.id]
            recall.customer_count = int(fig["customers"])
            recall.notified_count = int(fig["notified"])
            recall.acknowledged_count = int(fig["acknowledged"])
            recall.unreachable_count = int(fig["unreachable"])
            recall.qty_shipped = fig["shipped"]
            recall.qty_returned = fig["returned"]
            recall.qty_disposed = fig["disposed"]
            recall.qty_unaccounted = fig["unaccounted"]

    @api.depends(
        "line_ids.rma_id", "line_ids.case_ids", "case_ids", "quarantine_picking_ids"
    )
    def _compute_document_counts(self):
        for recall in self:
            recall.rma_count = len(recall.line_ids.rma_id)
            recall.case_count = len(recall.case_ids | recall.line_ids.case_ids)
            recall.quarantine_count = len(recall.sudo().quarantine_picking_ids)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("aftersales.recall") or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(recall.state not in ("draft", "cancelled") for recall in self):
            raise UserError(
                self.env._("A started recall is a record to keep: cancel it instead.")
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _check_group(self, xmlid, message):
        if not self.env.su and not self.env.user.has_group(xmlid):
            raise AccessError(message)

    def action_open(self):
        """Start the campaign: trace the customers (notices are sent with
        Notify or by the cron)."""
        self._check_state(("draft", "open"))
        self._check_group(
            SUPERVISOR_GROUP,
            self.env._("Only after-sales supervisors can start a recall."),
        )
        todo = self.filtered(lambda recall: recall.state == "draft")
        if any(not (recall.product_ids or recall.lot_ids) for recall in todo):
            raise UserError(self.env._("Choose the recalled products or lots."))
        todo.write({"state": "open", "date_start": fields.Datetime.now()})
        todo.action_trace()
        return True

    def action_notify(self):
        """Send the notice to every line not notified yet, exactly once."""
        self._check_state(("open",))
        self._check_group(
            SUPERVISOR_GROUP,
            self.env._("Only after-sales supervisors can send recall notices."),
        )
        return self.env["aftersales.recall.line"]._notify_pending(self.ids)

    def action_close(self):
        self._check_state(("open", "closed"))
        self._check_group(
            MANAGER_GROUP,
            self.env._("Only after-sales managers can close a recall."),
        )
        todo = self.filtered(lambda recall: recall.state == "open")
        if any(not (recall.effectiveness_note or "").strip() for recall in todo):
            raise UserError(
                self.env._(
                    "Record the effectiveness check (how you verified that the "
                    "customers were reached and the goods recovered) before "
                    "closing the recall."
                )
            )
        todo.write({"state": "closed", "date_closed": fields.Datetime.now()})
        todo.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._check_state(("draft", "open", "cancelled"))
        self._check_group(
            MANAGER_GROUP,
            self.env._("Only after-sales managers can cancel a recall."),
        )
        self.filtered(lambda recall: recall.state != "cancelled").write(
            {"state": "cancelled"}
        )
        return True

    def _action_view(self, records, name):
        action = {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": records._name,
            "domain": [("id", "in", records.ids)],
            "view_mode": "list,form",
        }
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id, views=[(False, "form")])
        return action

    def action_view_lines(self):
        """Every customer of the recall, to filter, group and export (XLSX)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers of %(recall)s", recall=self.name),
            "res_model": "aftersales.recall.line",
            "domain": [("recall_id", "=", self.id)],
            "view_mode": "list",
            "views": [(False, "list")],
            "context": {"create": False},
        }

    def action_view_progress(self):
        """The recall day by day: reached, acknowledged, returned, disposed."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_recall_progress_action"
        )
        action.update(
            name=self.env._("Progress of %(recall)s", recall=self.name),
            domain=[("recall_id", "=", self.id)],
        )
        return action

    def action_view_rmas(self):
        self.ensure_one()
        return self._action_view(self.line_ids.rma_id, self.env._("Returns"))

    def action_view_cases(self):
        self.ensure_one()
        return self._action_view(
            self.case_ids | self.line_ids.case_ids, self.env._("Cases")
        )

    def _get_formview_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _start_for(self, products, lots, company, alert=None, reason=None, hazard=None):
        """The open or draft recall of exactly these goods, or a new one."""
        domain = [
            ("company_id", "=", company.id),
            ("state", "in", ("draft", "open")),
        ]
        if alert:
            existing = self.search(domain + [("alert_id", "=", alert.id)], limit=1)
            if existing:
                return existing
        for recall in self.search(domain):
            if recall.lot_ids == lots and (lots or recall.product_ids == products):
                return recall
        return self.create(
            {
                "company_id": company.id,
                "alert_id": alert.id if alert else False,
                "product_ids": [Command.set((products | lots.product_id).ids)],
                "lot_ids": [Command.set(lots.ids)],
                "case_ids": [Command.set(alert.case_ids.ids)] if alert else [],
                "reason": reason
                or self.env._(
                    "Recall of %(goods)s.",
                    goods=", ".join((lots or products).mapped("display_name")),
                ),
                "hazard": hazard or "high",
            }
        )

    @api.model
    def _cron_send_notices(self, batch_size=500):
        """Recall: send notices and reminders, one batch per run; the cron
        runs again at once while work remains (see ir.cron._notify_progress).
        Safe on several workers: each takes the lines others have not locked."""
        Line = self.env["aftersales.recall.line"]
        done = Line._notify_pending(None, limit=batch_size)
        left = batch_size - done
        if left > 0:
            done += Line._send_reminders(limit=left)
        if batch_size - done > 0:
            done += Line._schedule_calls(limit=batch_size - done)
        # what the next run would do: notices, reminders and calls still due,
        # each company by its own settings
        remaining = sum(
            Line.sudo().search_count(domain)
            for domain in (
                Line._pending_domain(),
                Line._reminder_domain(),
                Line._call_domain(),
            )
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done
