from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import (
    float_compare,
    format_datetime,
)

OPEN_STATES = ("draft", "submitted", "approved")
APPROVER_GROUP = "pet_aftersales.pet_aftersales_group_supervisor"


class AftersalesRma(models.Model):
    _name = "aftersales.rma"
    _description = "Return Authorization"
    _aftersales_feedback_link_field = "aftersales_rma_id"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "aftersales.feedback.mixin",
    ]
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
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The company of the sales order: its return, lines, receipt and "
        "credit note belong to it, whichever company the user works in.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        check_company=True,
        default=lambda self: self.env.user,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    case_id = fields.Many2one(
        "aftersales.case",
        index="btree_not_null",
        check_company=True,
    )
    pet_deceased = fields.Boolean(
        compute="_compute_pet_deceased",
        help="The return is about a pet that passed away: it may be refunded "
        "without the goods coming back.",
    )
    origin_rma_id = fields.Many2one(
        "aftersales.rma",
        string="Previous Return",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The finished return this request follows up on, e.g. when the "
        "exchange item was faulty too.",
    )
    followup_rma_ids = fields.One2many(
        "aftersales.rma", "origin_rma_id", string="Follow-up Returns"
    )
    channel = fields.Selection(
        [("backend", "Back Office"), ("portal", "Customer Portal")],
        required=True,
        default="backend",
        help="Where the customer asked for the return.",
    )
    reason_id = fields.Many2one("aftersales.return.reason", tracking=True)
    company_fault = fields.Boolean(related="reason_id.company_fault")
    description = fields.Text()
    resolution = fields.Selection(
        [("refund", "Refund"), ("exchange", "Exchange")],
        required=True,
        default="refund",
        tracking=True,
    )
    return_method = fields.Selection(
        [
            ("ship", "Customer Ships Back"),
            ("pickup", "Courier Pickup"),
            ("store", "Store Drop-off"),
            ("dispose", "No Return (Disposed by the Customer)"),
        ],
        required=True,
        default="ship",
        help="No Return: the customer destroys the goods (e.g. a recalled lot); "
        "no receipt is made and the approved quantity is refunded.",
    )
    pickup_address_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain="[('id', 'child_of', partner_id)]",
    )
    pickup_date = fields.Datetime(
        string="Pickup Slot",
        copy=False,
        help="When the courier collects the goods. Set on approval to the next "
        "business day when left empty.",
    )
    return_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_return_address_id",
        help="Where the customer sends or brings the goods back.",
    )
    tracking_ref = fields.Char(string="Tracking Reference", copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("received", "Received"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    policy_ok = fields.Boolean(
        string="Within Return Policy",
        compute="_compute_policy",
        store=True,
        copy=False,
        help="Whether the request passes the return policy.",
    )
    policy_message = fields.Text(
        compute="_compute_policy",
        store=True,
        copy=False,
        help="Why the return policy passes or fails.",
    )
    shipping_paid_by = fields.Selection(
        [("customer", "Customer"), ("company", "Company")],
        string="Return Shipping Paid by",
        compute="_compute_shipping_paid_by",
        store=True,
        readonly=False,
    )
    amount_total = fields.Monetary(
        string="Return Value",
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        help="Value of the requested goods at the price the customer paid, "
        "taxes and discounts included.",
    )
    rejection_reason = fields.Text(copy=False, tracking=True)
    alternative_offer = fields.Text(
        copy=False,
        help="Alternative solution offered to the customer on rejection.",
    )
    approve_deadline = fields.Datetime(string="Review Deadline", copy=False, index=True)
    review_reminder_sent = fields.Boolean(copy=False)
    review_escalated = fields.Boolean(copy=False)
    approved_date = fields.Datetime(copy=False, readonly=True)
    received_date = fields.Datetime(copy=False, readonly=True)
    inspection_deadline = fields.Datetime(copy=False, index=True, readonly=True)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    compensation_card_id = fields.Many2one(
        "loyalty.card",
        string="Compensation Coupon",
        copy=False,
        readonly=True,
        help="Coupon offered to the customer because the problem is our fault.",
    )
    line_ids = fields.One2many(
        "aftersales.rma.line", "rma_id", string="Lines", copy=True
    )
    picking_ids = fields.Many2many(
        "stock.picking",
        "aftersales_rma_return_picking_rel",
        "rma_id",
        "picking_id",
        string="Return Receipts",
        copy=False,
    )
    refund_move_ids = fields.Many2many(
        "account.move",
        "aftersales_rma_refund_move_rel",
        "rma_id",
        "move_id",
        string="Credit Notes",
        copy=False,
    )
    exchange_group_id = fields.Many2one(
        "procurement.group",
        string="Exchange Procurement",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    exchange_picking_ids = fields.Many2many(
        "stock.picking",
        string="Exchange Deliveries",
        compute="_compute_exchange_picking_ids",
        help="Every step of the replacement's delivery (pick, pack, ship), as "
        "the warehouse's delivery route creates them.",
    )
    scrap_ids = fields.Many2many(
        "stock.scrap",
        "aftersales_rma_scrap_rel",
        "rma_id",
        "scrap_id",
        string="Scrapped Goods",
        copy=False,
    )
    refund_state = fields.Selection(
        [
            ("none", "No Refund"),
            ("to_refund", "To Refund"),
            ("refunded", "Refunded"),
        ],
        compute="_compute_refund_state",
        store=True,
        help="To Refund: the credit note is posted but the money has not gone "
        "back to the customer yet (the accountant has an activity). Refunded: "
        "the refund is registered on the customer's original payment method.",
    )
    picking_count = fields.Integer(compute="_compute_document_counts")
    refund_count = fields.Integer(compute="_compute_document_counts")
    exchange_count = fields.Integer(compute="_compute_document_counts")

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("case_id.pet_id.deceased_date")
    def _compute_pet_deceased(self):
        for rma in self:
            rma.pet_deceased = bool(rma.case_id.pet_id.deceased_date)

    @api.depends("sale_order_id")
    def _compute_company_id(self):
        for rma in self:
            rma.company_id = (
                rma.sale_order_id.company_id or rma.company_id or self.env.company
            )

    @api.depends("reason_id.company_fault")
    def _compute_shipping_paid_by(self):
        for rma in self:
            rma.shipping_paid_by = (
                "company" if rma.reason_id.company_fault else "customer"
            )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for rma in self:
            rma.amount_total = sum(rma.line_ids.mapped("amount"))

    @api.depends(
        "reason_id",
        "partner_id",
        "line_ids.quantity",
        "line_ids.sale_line_id",
        "line_ids.lot_id",
        "line_ids.original_packaging",
        "return_method",
    )
    def _compute_policy(self):
        # Evidence is whatever is attached now: ir.attachment recomputes the
        # verdict when files are attached to or removed from a return.
        evidence = self._evidence_counts()
        for rma in self:
            ok, message = self.env["aftersales.rma.policy"]._evaluate(
                rma.company_id,
                rma.reason_id,
                [line._policy_values() for line in rma.line_ids.sudo()],
                has_evidence=bool(evidence.get(rma.id)),
                return_method=rma.return_method,
                on_date=rma.submitted_date,
            )
            rma.policy_ok = ok
            rma.policy_message = message

    def _compute_return_address_id(self):
        for rma in self:
            company = rma.company_id
            warehouse = rma.picking_ids[:1].picking_type_id.warehouse_id
            rma.return_address_id = (
                company.aftersales_return_address_id
                or warehouse.partner_id
                or company.partner_id
            )

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for rma in self:
            rma.is_overdue = bool(
                (
                    rma.state == "submitted"
                    and rma.approve_deadline
                    and rma.approve_deadline < now
                )
                or (
                    rma.state == "received"
                    and rma.inspection_deadline
                    and rma.inspection_deadline < now
                )
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported."))
        now = fields.Datetime.now()
        domain = [
            "|",
            "&",
            ("state", "=", "submitted"),
            ("approve_deadline", "<", now),
            "&",
            ("state", "=", "received"),
            ("inspection_deadline", "<", now),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    # Not on refund_move_ids.payment_state: the ORM would look up the returns
    # of every invoice whose payment state changes, several times per
    # posting. The credit notes' own payment-state compute marks this field
    # to recompute instead (account.move in aftersales_rma_accounting.py).
    @api.depends("refund_move_ids", "state")
    def _compute_refund_state(self):
        for rma in self:
            refunds = rma.refund_move_ids.filtered(lambda m: m.state == "posted")
            if rma.refund_move_ids.filtered(lambda m: m.state == "draft"):
                rma.refund_state = "to_refund"  # a draft waits for accounting
            elif not refunds:
                rma.refund_state = "none"
            elif all(
                move.payment_state in ("paid", "in_payment", "reversed")
                for move in refunds
            ):
                rma.refund_state = "refunded"
            else:
                rma.refund_state = "to_refund"

    @api.depends("exchange_group_id.stock_move_ids.picking_id")
    def _compute_exchange_picking_ids(self):
        for rma in self:
            rma.exchange_picking_ids = (
                rma.exchange_group_id.sudo().stock_move_ids.picking_id
            )

    def _compute_document_counts(self):
        for rma in self:
            rma.picking_count = len(rma.picking_ids)
            rma.refund_count = len(rma.refund_move_ids)
            rma.exchange_count = len(rma.exchange_picking_ids)

    def _compute_access_url(self):
        for rma in self:
            rma.access_url = f"/my/returns/{rma.id}"

    def _refresh_evidence(self):
        """Evaluate the policy again once files were attached or removed
        (at the next read or flush, as a stored compute)."""
        rmas = self.sudo().exists()
        if rmas:
            self.env.add_to_compute(self._fields["policy_ok"], rmas)
            self.env.add_to_compute(self._fields["policy_message"], rmas)

    def _evidence_counts(self):
        ids = [rma_id for rma_id in self.ids if rma_id]
        if not ids:
            return {}
        return dict(
            self.env["ir.attachment"]
            .sudo()
            ._read_group(
                [("res_model", "=", self._name), ("res_id", "in", ids)],
                ["res_id"],
                ["__count"],
            )
        )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    def write(self, vals):
        # the date each step of the customer's timeline was reached
        date_field = f"{vals.get('state')}_date"
        if vals.get("state") != "draft" and date_field in self._fields:
            if date_field not in vals:
                vals = {**vals, date_field: fields.Datetime.now()}
        res = super().write(vals)
        if vals.get("state") == "draft":
            # only going back to draft holds the quantities again (a new
            # return's lines are checked by their own constraint, and no
            # other state change asks for more)
            self.line_ids._check_quantity()
        return res

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._prepare_owner_vals(vals_list)
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env["sale.order"]
                    .browse(vals.get("sale_order_id"))
                    .sudo()
                    .company_id
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("aftersales.rma") or self.env._("New")
        rmas = super().create(vals_list)
        for rma in rmas:
            rma.message_subscribe(partner_ids=rma.partner_id.ids)
        return rmas

    @api.model
    def _prepare_owner_vals(self, vals_list):
        """Give a real person the returns that no staff member creates
        (portal, mail, scheduled jobs), before the insert.

        Without a responsible given, a staff member who creates a return is
        its responsible (the field's default); the others (the customer on
        the portal, OdooBot) never are: the return goes to the team of its
        case, else the company's default team, whose assignment method picks
        the member (as for cases); the team leader when the method is manual,
        else the order's salesperson.
        """
        user = self.env.user
        creator_is_staff = not user.share and user.id != SUPERUSER_ID
        todo = [
            vals
            for vals in vals_list
            if vals.get("user_id") == SUPERUSER_ID
            or (not vals.get("user_id") and not creator_is_staff)
        ]
        if not todo:
            return
        Team = self.env["aftersales.team"].sudo()
        cases = (
            self.env["aftersales.case"]
            .sudo()
            .browse({vals["case_id"] for vals in todo if vals.get("case_id")})
        )
        orders = (
            self.env["sale.order"]
            .sudo()
            .browse(
                {vals["sale_order_id"] for vals in todo if vals.get("sale_order_id")}
            )
        )
        default_teams = {}
        by_team = defaultdict(list)
        for vals in todo:
            order = orders.browse(vals.get("sale_order_id"))
            team = cases.browse(vals.get("case_id")).team_id
            if not team:
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or order.company_id
                    or self.env.company
                )
                if company not in default_teams:
                    default_teams[company] = Team._default_team(company)
                team = default_teams[company]
            by_team[team].append(vals)
        for team, team_vals in by_team.items():
            owners = team._next_owners(len(team_vals)) if team else []
            for index, vals in enumerate(team_vals):
                salesperson = orders.browse(vals.get("sale_order_id")).user_id
                if salesperson.share or salesperson.id == SUPERUSER_ID:
                    salesperson = salesperson.browse()
                owner = (
                    (owners[index] if index < len(owners) else False)
                    or team.user_id
                    or salesperson
                )
                vals["user_id"] = owner.id if owner else False

    # Date each step of the customer's timeline was reached, stored: the
    # portal shows them in any language (approved_date and received_date
    # above are set by their actions too).
    submitted_date = fields.Datetime(copy=False, readonly=True)
    rejected_date = fields.Datetime(copy=False, readonly=True)
    done_date = fields.Datetime(copy=False, readonly=True)
    cancelled_date = fields.Datetime(copy=False, readonly=True)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        if any(rma.state not in ("draft", "cancelled") for rma in self):
            raise UserError(
                self.env._("Only draft or cancelled returns can be deleted.")
            )

    def _can_auto_approve(self):
        self.ensure_one()
        limit = self.company_id.aftersales_auto_approve_amount
        return (
            self.policy_ok
            and limit > 0
            and float_compare(
                self.amount_total, limit, precision_rounding=self.currency_id.rounding
            )
            <= 0
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _check_state(self, allowed):
        wrong = self.filtered(lambda rma: rma.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "This action is only possible on returns in state "
                    "%(states)s: %(names)s",
                    states=", ".join(labels[state] for state in allowed),
                    names=", ".join(wrong.mapped("name")),
                )
            )

    def _check_approver(self):
        if not self.env.su and not self.env.user.has_group(APPROVER_GROUP):
            raise AccessError(
                self.env._(
                    "Only after-sales supervisors can approve or reject returns."
                )
            )

    def _business_deadline(self, start, days=1):
        """``days`` business days after ``start`` on the company calendar
        (service-level maths: aftersales.sla.mixin)."""
        self.ensure_one()
        return self.env["aftersales.sla.mixin"]._sla_add_business_days(
            self.company_id.resource_calendar_id, start, days
        )

    def _notify_customer(self, template_xmlid):
        """Mail ``template`` to the customers of ``self`` (one batch render,
        through the mail queue: see mail.thread)."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        self._aftersales_message_post_template(
            template, subtype_xmlid="mail.mt_comment"
        )

    def action_submit(self):
        self._check_state(("draft", "submitted"))
        todo = self.filtered(lambda rma: rma.state == "draft")
        if any(not rma.line_ids for rma in todo):
            raise UserError(self.env._("Add at least one product to return."))
        if any(not rma.reason_id for rma in todo):
            raise UserError(self.env._("Choose the reason of the return."))
        if not todo:
            return True
        todo._compute_policy()
        now = fields.Datetime.now()
        for rma in todo:
            rma.write(
                {
                    "state": "submitted",
                    "approve_deadline": rma._business_deadline(now),
                    "review_reminder_sent": False,
                    "review_escalated": False,
                }
            )
        todo._notify_customer("pet_aftersales.mail_template_rma_submitted")
        auto = todo.filtered(lambda rma: rma._can_auto_approve())
        if auto:
            auto.message_post(
                body=self.env._(
                    "Approved automatically: within the return policy and up to "
                    "the automatic approval amount."
                )
            )
            auto.sudo().action_approve()
        return True

    def action_approve(self):
        self._check_state(("submitted", "approved"))
        todo = self.filtered(lambda rma: rma.state == "submitted")
        if not todo:
            return True
        todo._check_approver()
        now = fields.Datetime.now()
        for rma in todo:
            vals = {"state": "approved", "approved_date": now}
            if rma.return_method == "pickup" and not rma.pickup_date:
                vals["pickup_date"] = rma._business_deadline(now)
            rma.write(vals)
        for rma in todo.sudo():
            rma.with_company(rma.company_id)._create_return_pickings()
        todo._create_compensation()
        todo.filtered(lambda rma: rma.return_method == "dispose")._accept_disposal()
        todo.activity_unlink(["mail.mail_activity_data_todo"])
        todo._notify_customer("pet_aftersales.mail_template_rma_approved")
        return True

    def action_reject(self, reason, alternative=None):
        self._check_state(("submitted", "rejected"))
        todo = self.filtered(lambda rma: rma.state == "submitted")
        if not todo:
            return True
        todo._check_approver()
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason for the rejection."))
        todo.write(
            {
                "state": "rejected",
                "rejection_reason": reason,
                "alternative_offer": alternative or False,
            }
        )
        todo.activity_unlink(["mail.mail_activity_data_todo"])
        todo._notify_customer("pet_aftersales.mail_template_rma_rejected")
        return True

    def action_open_reject_wizard(self):
        self._check_state(("submitted",))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Return"),
            "res_model": "aftersales.rma.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_ids": self.ids},
        }

    def action_receive(self):
        """Move to received once the return receipts are validated."""
        self._check_state(("approved", "received"))
        todo = self.filtered(lambda rma: rma.state == "approved")
        for rma in todo:
            if rma.picking_ids and any(
                picking.state not in ("done", "cancel") for picking in rma.picking_ids
            ):
                raise UserError(
                    self.env._(
                        "Validate the return receipt of %(rma)s first: the goods "
                        "are received in Inventory.",
                        rma=rma.name,
                    )
                )
        if not todo:
            return True
        now = fields.Datetime.now()
        for rma in todo:
            rma.write(
                {
                    "state": "received",
                    "received_date": now,
                    "inspection_deadline": rma._business_deadline(now),
                }
            )
        todo._notify_customer("pet_aftersales.mail_template_rma_received")
        return True

    def action_cancel(self):
        self._check_state(OPEN_STATES + ("cancelled",))
        todo = self.filtered(lambda rma: rma.state != "cancelled")
        if not todo:
            return True
        todo._cancel_open_receipts()
        todo.write({"state": "cancelled"})
        todo.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_draft(self):
        """Back to draft, e.g. to change what is returned once approved (the
        lines are locked from approval on). Not once goods came back."""
        self._check_state(("cancelled", "rejected", "approved", "draft"))
        todo = self.filtered(lambda rma: rma.state != "draft")
        received = todo.filtered(
            lambda rma: any(p.state == "done" for p in rma.sudo().picking_ids)
        )
        if received:
            raise UserError(
                self.env._(
                    "Goods of %(names)s already came back: finish the return and "
                    "open a follow-up return instead.",
                    names=", ".join(received.mapped("name")),
                )
            )
        approved = todo.filtered(lambda rma: rma.state == "approved")
        if approved:
            approved._check_approver()
            approved._cancel_open_receipts()
        todo.write(
            {"state": "draft", "rejection_reason": False, "alternative_offer": False}
        )
        for rma in approved:
            rma.message_post(
                body=self.env._(
                    "Sent back to draft to change the returned goods; its open "
                    "return receipt was cancelled."
                )
            )
        return True

    def _cancel_open_receipts(self):
        # the after-sales roles need not be Inventory users to stop a return
        self.sudo().picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).action_cancel()

    def action_done(self):
        self._check_state(("received", "done"))
        todo = self.filtered(lambda rma: rma.state == "received")
        if not todo:
            return True
        pending = todo.line_ids.filtered(
            lambda line: line.inspection_result == "pending"
        )
        if pending:
            raise UserError(
                self.env._(
                    "Inspect every returned product first (pending: %(products)s).",
                    products=", ".join(pending.product_id.mapped("display_name")),
                )
            )
        todo._check_done_rights()
        # checked above: the credit note, the payment, the stock and the points
        # need rights of Invoicing and Inventory that after-sales roles lack
        for rma in todo.sudo():
            rma = rma.with_company(rma.company_id)
            passed = rma._refundable_lines()
            if rma.resolution == "refund":
                rma._create_refunds(passed)
                # no farming: the points the order earned go back pro rata
                rma._aftersales_revoke_order_points(rma, rma._refunded_share(passed))
            else:
                rma._create_exchange_picking(passed)
            rma._scrap_failed_lines(
                rma.line_ids.filtered(lambda line: line.inspection_result == "failed")
            )
        todo.write({"state": "done"})
        self.env["aftersales.recall.line"]._sync_from_rmas(todo)
        todo._notify_customer("pet_aftersales.mail_template_rma_done")
        todo._aftersales_request_feedback()
        return True

    def action_create_followup(self):
        """Second attempt: a new return for goods of a finished return."""
        self.ensure_one()
        self._check_state(("done",))
        vals = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "sale_order_id": self.sale_order_id.id,
            "case_id": self.case_id.id,
            "origin_rma_id": self.id,
            "resolution": self.resolution,
            "return_method": self.return_method,
            "pickup_address_id": self.pickup_address_id.id,
            "line_ids": [
                Command.create(
                    {
                        "sale_line_id": line.sale_line_id.id,
                        "product_id": line.product_id.id,
                        "quantity": line.quantity,
                    }
                )
                for line in self.line_ids.filtered(
                    lambda line: line.inspection_result == "passed"
                )
                or self.line_ids
            ],
        }
        followup = self.create(vals)
        followup.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": followup, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return followup._get_formview_action()

    def _get_formview_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _action_view_records(self, records, name):
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

    def action_view_pickings(self):
        self.ensure_one()
        return self._action_view_records(
            self.picking_ids, self.env._("Return Receipts")
        )

    def action_view_refunds(self):
        self.ensure_one()
        return self._action_view_records(
            self.refund_move_ids, self.env._("Credit Notes")
        )

    def action_view_exchanges(self):
        self.ensure_one()
        return self._action_view_records(
            self.exchange_picking_ids, self.env._("Exchange Deliveries")
        )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _accept_disposal(self):
        """Goods the customer disposed of never come back: once approved,
        the declared quantity counts as received and passed, ready to refund."""
        if not self:
            return
        now = fields.Datetime.now()
        self.line_ids.write(
            {
                "inspection_result": "passed",
                "inspection_note": self.env._("Disposed of by the customer."),
                "inspection_date": now,
            }
        )
        self.write({"state": "received", "received_date": now})
        for rma in self:
            rma.message_post(
                body=self.env._(
                    "Disposal accepted: no return receipt, the approved quantity "
                    "is refunded when the return is done."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _create_compensation(self):
        """Company fault: a coupon of the configured loyalty program."""
        for rma in self:
            program = rma.company_id.aftersales_rma_coupon_program_id
            if (
                not rma.reason_id.company_fault
                or not program
                or rma.compensation_card_id
            ):
                continue
            card = (
                self.env["loyalty.card"]
                .sudo()
                .create(
                    {
                        "program_id": program.id,
                        "partner_id": rma.partner_id.commercial_partner_id.id,
                        "points": max(
                            program.reward_ids.mapped("required_points") or [1.0]
                        ),
                    }
                )
            )
            rma.compensation_card_id = card

    def _refunded_share(self, lines):
        """Share (0-1) of the sale order's total that ``lines`` give back."""
        self.ensure_one()
        total = self.sale_order_id.amount_total
        if not total:
            return 0.0
        value = sum(
            line.received_qty
            * line.sale_line_id.price_total
            / line.sale_line_id.product_uom_qty
            for line in lines
            if line.sale_line_id.product_uom_qty
        )
        return value / total

    # ------------------------------------------------------------
    # DECEASED PET
    # ------------------------------------------------------------

    def action_refund_without_return(self):
        """The pet the goods were for passed away: nobody asks a grieving
        customer to pack and ship pet food back. The return becomes a
        disposal: no receipt, the approved quantity is refunded at Done."""
        for rma in self:
            if not rma.case_id.pet_id.deceased_date:
                raise UserError(
                    self.env._(
                        "Return %(rma)s is not about a pet that passed away: "
                        "the goods come back as usual.",
                        rma=rma.name,
                    )
                )
        self._check_state(("draft", "submitted", "approved"))
        todo = self.filtered(lambda rma: rma.return_method != "dispose")
        approved = todo.filtered(lambda rma: rma.state == "approved")
        approved._cancel_open_receipts()
        todo.write({"return_method": "dispose"})
        approved._accept_disposal()
        for rma in todo:
            rma.message_post(
                body=self.env._(
                    "%(pet)s passed away: refund without return.",
                    pet=rma.case_id.pet_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------
    # FEEDBACK HOOKS (aftersales.feedback.mixin)
    # ------------------------------------------------------------

    def _aftersales_feedback_case(self):
        return self.case_id

    def _aftersales_feedback_pets(self):
        return self.case_id.pet_id

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _review_deadline_display(self):
        """The review deadline as its reader reads it: in the language and
        time zone of ``self``'s context (see ``_aftersales_activity_schedule``)."""
        self.ensure_one()
        return format_datetime(
            self.env,
            self.approve_deadline,
            tz=self.env.context.get("tz"),
            dt_format="short",
        )

    def _cron_review_reminder(self, batch_size=200):
        """Remind the approvers before the review deadline, escalate after."""
        now = fields.Datetime.now()
        soon = now + timedelta(hours=4)
        todo = self.search(
            [
                ("state", "=", "submitted"),
                ("approve_deadline", "!=", False),
                "|",
                "&",
                ("review_reminder_sent", "=", False),
                ("approve_deadline", "<=", soon),
                "&",
                ("review_escalated", "=", False),
                ("approve_deadline", "<", now),
            ],
            limit=batch_size,
        )
        supervisors = self.env.ref(APPROVER_GROUP).users
        managers = self.env.ref("pet_aftersales.pet_aftersales_group_manager").users
        for rma in todo:
            if rma.approve_deadline < now and not rma.review_escalated:
                for user in managers.filtered(
                    lambda u, rma=rma: rma.company_id in u.company_ids
                ):
                    rma._aftersales_activity_schedule(
                        user,
                        lambda rma, env: {
                            "summary": env._("Overdue return review"),
                            "note": env._(
                                "Return %(rma)s was due for review on %(deadline)s.",
                                rma=rma.name,
                                deadline=rma._review_deadline_display(),
                            ),
                        },
                        "mail.mail_activity_data_todo",
                    )
                rma.write({"review_escalated": True, "review_reminder_sent": True})
            elif not rma.review_reminder_sent:
                reviewer = (
                    rma.user_id
                    if rma.user_id.has_group(APPROVER_GROUP)
                    else supervisors.filtered(
                        lambda u, rma=rma: rma.company_id in u.company_ids
                    )[:1]
                )
                if reviewer:
                    rma._aftersales_activity_schedule(
                        reviewer,
                        lambda rma, env: {
                            "summary": env._("Review return request"),
                            "note": env._(
                                "Approve or reject return %(rma)s before "
                                "%(deadline)s.",
                                rma=rma.name,
                                deadline=rma._review_deadline_display(),
                            ),
                        },
                        "mail.mail_activity_data_todo",
                        date_deadline=rma.approve_deadline.date(),
                    )
                rma.review_reminder_sent = True
        remaining = self.search_count(
            [
                ("state", "=", "submitted"),
                "|",
                "&",
                ("review_reminder_sent", "=", False),
                ("approve_deadline", "<=", soon),
                "&",
                ("review_escalated", "=", False),
                ("approve_deadline", "<", now),
            ]
        )
        self.env["ir.cron"]._notify_progress(done=len(todo), remaining=remaining)
