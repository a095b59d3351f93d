"""A recall's stock side: tracing the lots to every customer who received
them (one set-based query), and the quarantine of what is still on hand."""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .aftersales_recall import SUPERVISOR_GROUP


class AftersalesRecall(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.recall"

    @api.depends("lot_ids", "product_ids")
    def _compute_stock_quant_ids(self):
        for recall in self:
            quants = (
                self.env["stock.quant"].sudo().search(recall._stock_quant_domain())
                if recall.id
                else self.env["stock.quant"]
            )
            recall.stock_quant_ids = quants
            recall.stock_qty_on_hand = sum(quants.mapped("quantity"))

    def _stock_quant_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("location_id.usage", "=", "internal"),
            ("location_id.aftersales_quarantine", "=", False),
            ("quantity", ">", 0),
        ]
        if self.lot_ids:
            return domain + [("lot_id", "in", self.lot_ids.ids)]
        return domain + [("product_id", "in", self.product_ids.ids or [0])]

    def action_trace(self):
        """Fill the lines with every customer who received the recalled lots
        (done moves into customer locations, net of what came back from
        them), in one query per recall. Idempotent: a second trace updates
        the quantities of the existing lines."""
        self._check_state(("draft", "open"))
        self._check_group(
            SUPERVISOR_GROUP,
            self.env._("Only after-sales supervisors can trace a recall."),
        )
        self.env.flush_all()
        for recall in self:
            recall._trace()
        self.env["aftersales.recall.line"].invalidate_model()
        self.invalidate_recordset()
        self.write({"date_traced": fields.Datetime.now()})
        return True

    def _trace_query(self):
        """The moves of the recalled goods into and out of customer
        locations, netted per customer, product and lot, upserted into the
        lines; lines the goods no longer reach drop to zero."""
        self.ensure_one()
        if self.lot_ids:
            subject = SQL("sml.lot_id IN %s", tuple(self.lot_ids.ids))
        else:
            subject = SQL("sml.product_id IN %s", tuple(self.product_ids.ids or [0]))
        uid = self.env.uid
        return SQL(
            """
            WITH recall_returns AS (
                SELECT rel.picking_id
                  FROM aftersales_rma_return_picking_rel rel
                  JOIN aftersales_recall_line rl ON rl.rma_id = rel.rma_id
                 WHERE rl.recall_id = %(recall)s
            ), moves AS (
                SELECT COALESCE(partner.commercial_partner_id, partner.id)
                           AS partner_id,
                       sml.product_id,
                       sml.lot_id,
                       CASE WHEN dest.usage = 'customer'
                            THEN sml.quantity_product_uom
                            ELSE -sml.quantity_product_uom END AS qty,
                       CASE WHEN dest.usage = 'customer' THEN sml.date END
                           AS delivered,
                       CASE WHEN dest.usage = 'customer' THEN sm.sale_line_id END
                           AS sale_line_id
                  FROM stock_move_line sml
                  JOIN stock_move sm ON sm.id = sml.move_id
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
                  LEFT JOIN stock_picking sp ON sp.id = sml.picking_id
                  JOIN res_partner partner
                    ON partner.id = COALESCE(sp.partner_id, sm.partner_id)
                 WHERE sml.state = 'done'
                   AND sm.state = 'done'
                   AND sml.company_id = %(company)s
                   AND %(subject)s
                   AND (dest.usage = 'customer') != (src.usage = 'customer')
                   AND (sml.picking_id IS NULL
                        OR sml.picking_id NOT IN (SELECT picking_id
                                                    FROM recall_returns))
            ), traced AS (
                SELECT moves.partner_id,
                       moves.product_id,
                       COALESCE(moves.lot_id, 0) AS lot_key,
                       MAX(moves.lot_id) AS lot_id,
                       SUM(moves.qty) AS qty,
                       MAX(moves.delivered) AS delivered,
                       (ARRAY_AGG(moves.sale_line_id
                                  ORDER BY moves.delivered DESC NULLS LAST)
                        FILTER (WHERE moves.sale_line_id IS NOT NULL))[1]
                           AS sale_line_id
                  FROM moves
                 GROUP BY moves.partner_id, moves.product_id,
                          COALESCE(moves.lot_id, 0)
                HAVING SUM(moves.qty) > 0
            ), upserted AS (
                INSERT INTO aftersales_recall_line (
                    recall_id, company_id, partner_id, product_id, lot_id,
                    lot_key, qty_shipped, date_delivered, sale_line_id,
                    sale_order_id, state, access_token, reminder_count,
                    call_scheduled, qty_remaining, qty_returned, qty_disposed,
                    create_uid, create_date, write_uid, write_date
                )
                SELECT %(recall)s, %(company)s, traced.partner_id,
                       traced.product_id, traced.lot_id, traced.lot_key,
                       traced.qty, traced.delivered, traced.sale_line_id,
                       sol.order_id, 'pending', gen_random_uuid()::text, 0,
                       FALSE, 0, 0, 0,
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM traced
                  LEFT JOIN sale_order_line sol ON sol.id = traced.sale_line_id
                ON CONFLICT (recall_id, partner_id, product_id, lot_key)
                DO UPDATE SET qty_shipped = EXCLUDED.qty_shipped,
                              date_delivered = EXCLUDED.date_delivered,
                              sale_line_id = EXCLUDED.sale_line_id,
                              sale_order_id = EXCLUDED.sale_order_id,
                              write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date
                RETURNING id, (xmax = 0) AS inserted
            ), dropped AS (
                UPDATE aftersales_recall_line line
                   SET qty_shipped = 0,
                       write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE line.recall_id = %(recall)s
                   AND line.qty_shipped != 0
                   AND line.id NOT IN (SELECT id FROM upserted)
                RETURNING line.id
            )
            SELECT (SELECT COUNT(*) FROM upserted WHERE inserted),
                   (SELECT COUNT(*) FROM upserted WHERE NOT inserted),
                   (SELECT COUNT(*) FROM dropped)
            """,
            recall=self.id,
            company=self.company_id.id,
            subject=subject,
            uid=uid,
        )

    def _trace(self):
        self.ensure_one()
        self.env.cr.execute(self._trace_query())
        added, updated, dropped = self.env.cr.fetchone()
        self.message_post(
            body=self.env._(
                "Traced: %(added)s new customers, %(updated)s updated, "
                "%(dropped)s no longer holding the goods.",
                added=added,
                updated=updated,
                dropped=dropped,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return added, updated, dropped

    def action_quarantine(self):
        """Move the recalled lots still on hand to the quarantine location of
        their warehouse, so that no more of them ships."""
        self._check_state(("draft", "open"))
        self._check_group(
            SUPERVISOR_GROUP,
            self.env._("Only after-sales supervisors can quarantine stock."),
        )
        Picking = self.env["stock.picking"].sudo()
        for recall in self:
            quants = self.env["stock.quant"].sudo().search(recall._stock_quant_domain())
            if not quants:
                continue
            by_warehouse = defaultdict(lambda: self.env["stock.quant"].sudo())
            for quant in quants:
                by_warehouse[quant.location_id.warehouse_id] |= quant
            pickings = Picking
            for warehouse, wh_quants in by_warehouse.items():
                pickings |= recall._quarantine_transfer(warehouse, wh_quants)
            recall.quarantine_picking_ids = [Command.link(p.id) for p in pickings]
            recall.message_post(
                body=self.env._(
                    "Stock put in quarantine: %(pickings)s.",
                    pickings=", ".join(pickings.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _quarantine_transfer(self, warehouse, quants):
        """One done internal transfer of ``quants`` to the quarantine."""
        self.ensure_one()
        if not warehouse:
            raise UserError(
                self.env._(
                    "Stock of the recall is in a location outside any warehouse: "
                    "move it by hand."
                )
            )
        quarantine = self.env["stock.location"]._aftersales_quarantine_location(
            warehouse
        )
        picking_type = warehouse.int_type_id
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": quarantine.id,
                    "origin": self.name,
                    "company_id": self.company_id.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.name,
                                "product_id": quant.product_id.id,
                                "product_uom": quant.product_id.uom_id.id,
                                "product_uom_qty": quant.quantity,
                                "location_id": quant.location_id.id,
                                "location_dest_id": quarantine.id,
                                "company_id": self.company_id.id,
                            }
                        )
                        for quant in quants
                    ],
                }
            )
        )
        # done below with the quants' own lots: deliveries that reserved them
        # lose the reservation (stock.move.line._action_done frees it)
        picking.action_confirm()
        for move, quant in zip(picking.move_ids, quants, strict=True):
            move.move_line_ids.unlink()
            self.env["stock.move.line"].sudo().create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": quant.product_id.id,
                    "product_uom_id": quant.product_id.uom_id.id,
                    "lot_id": quant.lot_id.id,
                    "package_id": quant.package_id.id,
                    "quantity": quant.quantity,
                    "location_id": quant.location_id.id,
                    "location_dest_id": quarantine.id,
                }
            )
        picking.move_ids.picked = True
        picking._action_done()
        return picking

    def action_view_quarantine(self):
        self.ensure_one()
        return self._action_view(
            self.quarantine_picking_ids, self.env._("Quarantine Transfers")
        )
