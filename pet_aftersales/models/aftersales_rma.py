"""The return authorization (RMA): its fields, states and the clicks that
move it. Review, policy, stock and accounting live in aftersales_rma_*.py."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("received", "Received"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
RESOLUTIONS = [("refund", "Refund"), ("exchange", "Exchange")]
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
        "aftersales.state.mixin",
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
        RESOLUTIONS,
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
    tracking_ref = fields.Char(string="Tracking Reference", copy=False)
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
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
    scrap_ids = fields.Many2many(
        "stock.scrap",
        "aftersales_rma_scrap_rel",
        "rma_id",
        "scrap_id",
        string="Scrapped Goods",
        copy=False,
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

    def _compute_document_counts(self):
        for rma in self:
            rma.picking_count = len(rma.picking_ids)
            rma.refund_count = len(rma.refund_move_ids)
            rma.exchange_count = len(rma.exchange_picking_ids)

    def _compute_access_url(self):
        for rma in self:
            rma.access_url = f"/my/returns/{rma.id}"

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

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

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

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # DECEASED PET
    # ------------------------------------------------------------

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
