"""18.0.1.2.0: business-hours durations of the cases whose team has a
calendar (see pre-migrate), computed in batches of the ORM compute."""

from odoo import SUPERUSER_ID, api
from odoo.tools import split_every


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cases = (
        env["aftersales.case"]
        .with_context(active_test=False)
        .search(
            [
                ("team_id.resource_calendar_id", "!=", False),
                "|",
                ("first_response_date", "!=", False),
                ("resolved_date", "!=", False),
            ]
        )
    )
    for ids in split_every(10_000, cases.ids):
        batch = cases.browse(ids)
        batch._compute_work_hours()
        batch.flush_recordset(["first_response_hours", "resolution_hours"])
        env.invalidate_all()
