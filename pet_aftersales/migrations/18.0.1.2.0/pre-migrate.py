"""18.0.1.2.0: cases store their first-response and resolution times in
business hours. Left to the ORM, the two new stored computed columns would
be computed case by case in Python on update (minutes at a million cases).
Create them here and fill them in SQL for teams without business hours
(around the clock); post-migrate computes the teams that have a calendar."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if column_exists(cr, "aftersales_case", "first_response_hours"):
        return
    for column in ("first_response_hours", "resolution_hours"):
        create_column(cr, "aftersales_case", column, "float8")
    cr.execute(
        SQL(
            """
        UPDATE aftersales_case c
           SET first_response_hours = CASE WHEN c.first_response_date > c.create_date
                   THEN date_part('epoch', c.first_response_date - c.create_date) / 3600
                   ELSE 0 END,
               resolution_hours = CASE WHEN c.resolved_date > c.create_date
                   THEN date_part('epoch', c.resolved_date - c.create_date) / 3600
                   ELSE 0 END
         WHERE NOT EXISTS (
                   SELECT 1 FROM aftersales_team t
                    WHERE t.id = c.team_id AND t.resource_calendar_id IS NOT NULL)
           AND (c.first_response_date IS NOT NULL OR c.resolved_date IS NOT NULL)
            """
        )
    )
