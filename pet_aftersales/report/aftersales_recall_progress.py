from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesRecallProgress(models.Model):
    """How a recall progresses, day by day: units shipped (on the day the
    recall started), customers reached and acknowledged, units returned and
    disposed of, each on the day it happened, and the change of the units
    still unaccounted for (a cumulative line chart is the effectiveness
    curve; the unaccounted line falls towards zero)."""

    _name = "aftersales.recall.progress"
    _description = "Recall Progress by Day"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _depends = {
        "aftersales.recall": ["company_id", "date_start"],
        "aftersales.recall.line": [
            "recall_id",
            "create_date",
            "qty_shipped",
            "qty_remaining",
            "notified_date",
            "acknowledged_date",
            "rma_id",
            "qty_returned",
            "qty_disposed",
        ],
        "aftersales.rma": ["received_date"],
    }

    recall_id = fields.Many2one("aftersales.recall", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Day", readonly=True)
    reached_count = fields.Integer(string="Reached", readonly=True, aggregator="sum")
    acknowledged_count = fields.Integer(
        string="Acknowledged", readonly=True, aggregator="sum"
    )
    qty_shipped = fields.Float(
        string="Units Shipped",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
        help="Units the traced customers received, on the day the recall started.",
    )
    qty_unaccounted = fields.Float(
        string="Units Unaccounted",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
        help="Change of the units shipped that are neither returned, disposed "
        "nor declared used up: summed up to a day, what is still out there.",
    )
    qty_returned = fields.Float(
        string="Units Returned",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
    )
    qty_disposed = fields.Float(
        string="Units Disposed",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
    )

    def _query(self):
        # one event per notice, acknowledgement and recovered return; the id
        # of a row (recall, day) is the same at every refresh
        return SQL(
            """
            WITH events AS (
                SELECT line.recall_id,
                       COALESCE(recall.date_start, line.create_date)::date AS day,
                       0 AS reached, 0 AS acknowledged, 0.0 AS returned,
                       0.0 AS disposed, line.qty_shipped AS shipped,
                       line.qty_shipped AS unaccounted
                  FROM aftersales_recall_line line
                  JOIN aftersales_recall recall ON recall.id = line.recall_id
                UNION ALL
                SELECT recall_id, notified_date::date, 1, 0, 0.0, 0.0, 0.0, 0.0
                  FROM aftersales_recall_line
                 WHERE notified_date IS NOT NULL
                UNION ALL
                -- the customer says how many units are left: the rest was used
                SELECT recall_id, acknowledged_date::date, 0, 1, 0.0, 0.0, 0.0,
                       -GREATEST(qty_shipped - qty_remaining, 0.0)
                  FROM aftersales_recall_line
                 WHERE acknowledged_date IS NOT NULL
                UNION ALL
                SELECT line.recall_id, rma.received_date::date, 0, 0,
                       line.qty_returned, line.qty_disposed, 0.0,
                       -(line.qty_returned + line.qty_disposed)
                  FROM aftersales_recall_line line
                  JOIN aftersales_rma rma ON rma.id = line.rma_id
                 WHERE rma.received_date IS NOT NULL
                   AND (line.qty_returned > 0 OR line.qty_disposed > 0)
            )
            SELECT events.recall_id::bigint * 100000
                       + (events.day - DATE '2000-01-01') AS id,
                   events.recall_id,
                   recall.company_id,
                   events.day AS date,
                   SUM(events.reached)::int AS reached_count,
                   SUM(events.acknowledged)::int AS acknowledged_count,
                   SUM(events.shipped) AS qty_shipped,
                   SUM(events.unaccounted) AS qty_unaccounted,
                   SUM(events.returned) AS qty_returned,
                   SUM(events.disposed) AS qty_disposed
              FROM events
              JOIN aftersales_recall recall ON recall.id = events.recall_id
             GROUP BY events.recall_id, recall.company_id, events.day
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
