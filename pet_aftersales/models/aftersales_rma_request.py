"""How a return is asked for: its lines from a sales order, a case or the
portal form, checked by one path (the portal maps its form to these methods
and never re-implements a rule)."""

from collections import defaultdict

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


# one file per concept of a return; not merged on purpose
class AftersalesRma(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.rma"

    # ------------------------------------------------------------
    # REQUEST HELPERS (sale order, case, portal)
    # ------------------------------------------------------------

    @api.model
    def _prepare_line_vals_from_sale_lines(self, sale_lines):
        """One line per delivered lot (or per sale line without lots) for the
        quantity that can still be returned."""
        returnable = sale_lines._aftersales_returnable_qty()
        lot_qty = sale_lines._aftersales_returnable_lot_qty()
        vals_list = []
        for sale_line in sale_lines:
            qty = returnable.get(sale_line.id, 0.0)
            if qty <= 0:
                continue
            lots = lot_qty.get(sale_line.id) or {}
            if lots:
                for lot, lot_quantity in lots.items():
                    take = min(lot_quantity, qty)
                    if take <= 0:
                        continue
                    vals_list.append(
                        {
                            "sale_line_id": sale_line.id,
                            "product_id": sale_line.product_id.id,
                            "lot_id": lot.id,
                            "quantity": take,
                        }
                    )
                    qty -= take
            else:
                vals_list.append(
                    {
                        "sale_line_id": sale_line.id,
                        "product_id": sale_line.product_id.id,
                        "quantity": qty,
                    }
                )
        return vals_list

    @api.model
    def _portal_check_request(self, partner, sale_order, lines, reason):
        """The checks of a customer request; returns the line values."""
        order = sale_order.sudo()
        commercial = partner.commercial_partner_id
        if not order.exists() or order.partner_id.commercial_partner_id != commercial:
            raise UserError(self.env._("This order does not belong to you."))
        if order.state != "sale":
            raise UserError(self.env._("Only confirmed orders can be returned."))
        if not reason or not reason.exists() or not reason.active:
            raise UserError(self.env._("Choose the reason of the return."))
        if not lines:
            raise UserError(self.env._("Choose at least one product to return."))
        delivered = order.order_line._aftersales_delivery_dates()
        if not delivered:
            raise UserError(
                self.env._(
                    "Order %(order)s has not been delivered yet: you can ask for a "
                    "return once you received the goods.",
                    order=order.name,
                )
            )
        sale_lines = self.env["sale.order.line"].sudo()
        for item in lines:
            sale_lines |= sale_lines.browse(int(item.get("sale_line_id") or 0)).exists()
        if not sale_lines or any(line.order_id != order for line in sale_lines):
            raise UserError(
                self.env._(
                    "The products must come from order %(order)s.", order=order.name
                )
            )
        returnable = sale_lines._aftersales_returnable_qty()
        delivered_lots = sale_lines._aftersales_delivered_lots()
        asked = defaultdict(float)
        line_vals = []
        for item in lines:
            sale_line = sale_lines.browse(int(item["sale_line_id"]))
            try:
                quantity = float(item.get("quantity") or 0.0)
            except (TypeError, ValueError) as exc:
                raise UserError(self.env._("Enter a valid quantity.")) from exc
            if quantity <= 0:
                raise UserError(
                    self.env._(
                        "The quantity to return of %(product)s must be positive.",
                        product=sale_line.product_id.display_name,
                    )
                )
            asked[sale_line] += quantity
            if (
                float_compare(
                    asked[sale_line],
                    returnable.get(sale_line.id, 0.0),
                    precision_rounding=sale_line.product_uom.rounding,
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "You can return at most %(qty)s of %(product)s.",
                        qty=returnable.get(sale_line.id, 0.0),
                        product=sale_line.product_id.display_name,
                    )
                )
            lot = self.env["stock.lot"].sudo().browse(int(item.get("lot_id") or 0))
            if lot and lot not in delivered_lots.get(sale_line.id, lot.browse()):
                raise UserError(
                    self.env._(
                        "Lot %(lot)s was not delivered with %(product)s on this order.",
                        lot=lot.exists().name or lot.id,
                        product=sale_line.product_id.display_name,
                    )
                )
            line_vals.append(
                {
                    "sale_line_id": sale_line.id,
                    "product_id": sale_line.product_id.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "original_packaging": bool(item.get("original_packaging")),
                }
            )
        return line_vals

    @api.model
    def _portal_policy_preview(
        self, partner, sale_order, lines, reason, return_method=None
    ):
        """What the return policy says about a request, without writing.

        :return: (ok, message)
        """
        try:
            line_vals = self._portal_check_request(partner, sale_order, lines, reason)
        except UserError as error:
            return False, error.args[0]
        SaleLine = self.env["sale.order.line"].sudo()
        Product = self.env["product.product"].sudo()
        return (
            self.env["aftersales.rma.policy"]
            .sudo()
            ._evaluate(
                sale_order.sudo().company_id,
                reason.sudo(),
                [
                    {
                        "sale_line": SaleLine.browse(vals["sale_line_id"]),
                        "product": Product.browse(vals["product_id"]),
                        "quantity": vals["quantity"],
                        "original_packaging": vals["original_packaging"],
                    }
                    for vals in line_vals
                ],
                has_evidence=None,
                return_method=return_method,
            )
        )

    @api.model
    def _portal_create(
        self,
        partner,
        sale_order,
        lines,
        reason,
        return_method="ship",
        description="",
        attachment_ids=None,
    ):
        """Create and submit a customer's return request (portal).

        Checks that the order belongs to ``partner``'s commercial partner and
        is delivered, that the lines belong to it with positive quantities
        within what can still be returned, and that lots were delivered on
        those lines. Then creates the request as superuser (the checks above
        are the access check) and submits it.

        :param lines: list of dicts ``{sale_line_id, quantity, lot_id
            (optional), original_packaging (bool)}``
        :return: the submitted aftersales.rma
        """
        line_vals = self._portal_check_request(partner, sale_order, lines, reason)
        if return_method not in dict(self._fields["return_method"].selection):
            raise UserError(self.env._("Choose how the goods come back."))
        order = sale_order.sudo()
        rma = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": order.company_id.id,
                "sale_order_id": order.id,
                "reason_id": reason.id,
                "channel": "portal",
                "return_method": return_method,
                "pickup_address_id": partner.id if return_method == "pickup" else False,
                "description": description or False,
                "line_ids": [Command.create(vals) for vals in line_vals],
            }
        )
        if attachment_ids:
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .browse(attachment_ids)
                .exists()
                .filtered(
                    lambda a: a.res_model
                    in (False, "aftersales.rma", "mail.compose.message")
                    and not a.res_id
                )
            )
            attachments.write({"res_model": rma._name, "res_id": rma.id})
            rma.message_post(
                body=self.env._("Evidence from the customer."),
                attachment_ids=attachments.ids,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        rma.action_submit()
        return rma
