from odoo import api, fields, models
from odoo.exceptions import UserError


class AftersalesRma(models.Model):
    _name = "aftersales.rma"
    _description = "Return Authorization"
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
        default=lambda self: self.env.company,
    )
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
    reason_id = fields.Many2one("aftersales.return.reason", tracking=True)
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
        ],
        required=True,
        default="ship",
    )
    pickup_address_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain="[('id', 'child_of', partner_id)]",
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
        copy=False,
        help="Whether the request passes the return policy.",
    )
    policy_message = fields.Text(
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
    rejection_reason = fields.Text(copy=False, tracking=True)
    alternative_offer = fields.Text(
        copy=False,
        help="Alternative solution offered to the customer on rejection.",
    )
    approve_deadline = fields.Datetime(string="Review Deadline", copy=False, index=True)
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
    exchange_picking_ids = fields.Many2many(
        "stock.picking",
        "aftersales_rma_exchange_picking_rel",
        "rma_id",
        "picking_id",
        string="Exchange Deliveries",
        copy=False,
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("reason_id.company_fault")
    def _compute_shipping_paid_by(self):
        for rma in self:
            rma.shipping_paid_by = (
                "company" if rma.reason_id.company_fault else "customer"
            )

    def _compute_access_url(self):
        for rma in self:
            rma.access_url = f"/my/returns/{rma.id}"

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("aftersales.rma") or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_processed(self):
        if any(rma.state not in ("draft", "cancelled") for rma in self):
            raise UserError(
                self.env._("Only draft or cancelled returns can be deleted.")
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

    def action_submit(self):
        self._check_state(("draft",))
        if any(not rma.line_ids for rma in self):
            raise UserError(self.env._("Add at least one product to return."))
        self.write({"state": "submitted"})
        return True

    def action_approve(self):
        self._check_state(("submitted",))
        self.write({"state": "approved"})
        return True

    def action_reject(self, reason, alternative=None):
        self._check_state(("submitted",))
        if not reason:
            raise UserError(self.env._("Give the reason for the rejection."))
        self.write(
            {
                "state": "rejected",
                "rejection_reason": reason,
                "alternative_offer": alternative or False,
            }
        )
        return True

    def action_receive(self):
        self._check_state(("approved",))
        self.write({"state": "received"})
        return True

    def action_cancel(self):
        self._check_state(("draft", "submitted", "approved"))
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        self._check_state(("cancelled", "rejected"))
        self.write({"state": "draft"})
        return True

    def action_done(self):
        self._check_state(("approved", "received"))
        self.write({"state": "done"})
        self._aftersales_request_feedback()
        return True


class AftersalesRmaLine(models.Model):
    _name = "aftersales.rma.line"
    _description = "Return Authorization Line"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one(
        "aftersales.rma",
        string="Return",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    state = fields.Selection(related="rma_id.state")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        index="btree_not_null",
        check_company=True,
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        compute="_compute_product_id",
        store=True,
        readonly=False,
    )
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
    )
    quantity = fields.Float(
        string="Requested Quantity",
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
    )
    received_qty = fields.Float(
        string="Received Quantity", digits="Product Unit of Measure", copy=False
    )
    inspection_result = fields.Selection(
        [("pending", "Pending"), ("passed", "Passed"), ("failed", "Failed")],
        default="pending",
        required=True,
        copy=False,
    )
    inspection_note = fields.Text(copy=False)
    original_packaging = fields.Boolean(
        string="Original Packaging Intact",
        help="The goods come back in their original, intact packaging and can "
        "be sold again.",
    )

    _sql_constraints = [
        (
            "quantity_positive",
            "CHECK(quantity > 0)",
            "The requested quantity must be positive.",
        ),
    ]

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for line in self:
            line.product_id = line.sale_line_id.product_id or line.product_id

    @api.depends("product_id", "sale_line_id")
    def _compute_uom_id(self):
        for line in self:
            line.uom_id = line.sale_line_id.product_uom or line.product_id.uom_id
