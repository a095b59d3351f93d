import bisect
import itertools
import math
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

# share of an SLA window after which a record is "at risk"
SLA_RISK_RATIO = 0.8
SLA_CLOCKS = [
    ("business", "Business Hours"),
    ("calendar", "Round the Clock (24/7)"),
]


class AftersalesSlaMixin(models.AbstractModel):
    """Service levels: deadlines, status, escalation and pauses.

    All business-time maths of the addon live here, on top of
    ``resource.calendar``: ``_sla_plan_hours_batch`` (a start plus hours),
    ``_sla_work_hours_batch`` (hours between two dates),
    ``_sla_add_business_days`` and ``_sla_business_date``. Anything that
    counts business hours or days calls them, also models that do not
    inherit the mixin (``self.env["aftersales.sla.mixin"]._sla_...``).

    A model inheriting the mixin gets two deadlines (first response and
    resolution) counted from ``sla_start_date``, an SLA status, the dates it
    is at risk (last 20 % of a window) and breached, an escalation cron and
    pauses (``_sla_pause`` / ``_sla_resume``). It tells the mixin:

    - ``_sla_targets()``: the response and resolution hours of each record;
    - ``_sla_calendar()``: the calendar its clock counts in (empty: 24/7);
    - ``_sla_progress()``: when it was answered and resolved, and whether it
      is closed;
    - ``_sla_open_domain()``, ``_sla_on_risk()``, ``_sla_on_breach()``: what
      the escalation cron looks at and does.
    """

    _name = "aftersales.sla.mixin"
    _description = "After-sales Service Level Mixin"

    sla_start_date = fields.Datetime(
        string="SLA Start",
        default=fields.Datetime.now,
        required=True,
        copy=False,
        help="Start of the current service window: creation, or the last reopening.",
    )
    sla_clock = fields.Selection(
        SLA_CLOCKS,
        string="SLA Clock",
        compute="_compute_sla_clock",
        help="Business Hours: the deadlines count the team's working hours "
        "only. Round the Clock: every hour counts, nights and weekends too.",
    )
    response_deadline = fields.Datetime(
        compute="_compute_sla_deadlines",
        precompute=True,
        store=True,
        readonly=False,
        copy=False,
        index=True,
    )
    resolution_deadline = fields.Datetime(
        compute="_compute_sla_deadlines",
        precompute=True,
        store=True,
        readonly=False,
        copy=False,
        index=True,
    )
    sla_warning_date = fields.Datetime(
        string="SLA at Risk from",
        compute="_compute_sla_status",
        store=True,
        index="btree_not_null",
        help="When the next pending deadline enters its last 20%.",
    )
    sla_breach_date = fields.Datetime(
        string="SLA Breached from",
        compute="_compute_sla_status",
        store=True,
        index="btree_not_null",
        help="The next pending deadline.",
    )
    sla_warning_sent = fields.Boolean(copy=False, readonly=True)
    sla_breach_sent = fields.Boolean(copy=False, readonly=True)
    sla_status = fields.Selection(
        [
            ("on_track", "On Track"),
            ("at_risk", "At Risk"),
            ("breached", "Breached"),
            ("paused", "Paused"),
            ("met", "Met"),
            ("failed", "Failed"),
        ],
        string="SLA Status",
        compute="_compute_sla_status",
        store=True,
        copy=False,
        index=True,
    )
    sla_paused_since = fields.Datetime(
        string="SLA Paused since",
        copy=False,
        readonly=True,
        help="Set while the record waits on the customer or a third party: "
        "the SLA clock stands still.",
    )
    sla_paused_hours = fields.Float(
        string="SLA Paused Time",
        copy=False,
        readonly=True,
        help="Time spent waiting on the customer or a third party in the "
        "current service window, counted in the SLA clock. The deadlines "
        "are moved by this time.",
    )
    sla_response_paused_hours = fields.Float(
        string="SLA Paused Time before the Response",
        copy=False,
        readonly=True,
        help="Paused time that moves the response deadline: the pauses that "
        "began before the first response.",
    )

    # ------------------------------------------------------------
    # HOOKS (override in the model)
    # ------------------------------------------------------------

    def _sla_targets(self):
        """{record: (response hours, resolution hours)}; 0 means no target."""
        return {record: (0.0, 0.0) for record in self}

    def _sla_calendar(self):
        """The calendar the SLA clock of this record counts in; an empty one
        counts round the clock."""
        self.ensure_one()
        if self.sla_clock == "calendar":
            return self.env["resource.calendar"]
        return self.env.company.resource_calendar_id

    def _sla_progress(self):
        """``(first response date, resolution date, is closed)``."""
        self.ensure_one()
        return False, False, False

    def _sla_open_domain(self):
        """Records the escalation cron looks at."""
        return []

    def _sla_on_risk(self):
        """Records that just entered the last 20 % of a window."""

    def _sla_on_breach(self):
        """Records that just passed a deadline."""

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    def _compute_sla_clock(self):
        for record in self:
            record.sla_clock = "business"

    @api.depends("sla_start_date", "sla_paused_hours", "sla_response_paused_hours")
    def _compute_sla_deadlines(self):
        targets = self._sla_targets()
        requests = []
        for record in self:
            response, resolution = targets[record]
            calendar = record._sla_calendar()
            start = record.sla_start_date or fields.Datetime.now()
            requests.append(
                (
                    calendar,
                    start,
                    response and response + record.sla_response_paused_hours,
                )
            )
            requests.append(
                (calendar, start, resolution and resolution + record.sla_paused_hours)
            )
        deadlines = self._sla_plan_hours_batch(requests)
        for record, response, resolution in zip(
            self, deadlines[::2], deadlines[1::2], strict=True
        ):
            record.response_deadline = response
            record.resolution_deadline = resolution

    @api.depends(
        "sla_start_date",
        "response_deadline",
        "resolution_deadline",
        "sla_paused_since",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        dates = self._sla_next_dates_batch()
        for record in self:
            record.sla_warning_date, record.sla_breach_date = dates[record.id]
            record.sla_status = record._sla_status_at(now)

    # ------------------------------------------------------------
    # STATUS
    # ------------------------------------------------------------

    def _sla_next_dates_batch(self):
        """{record id: (warning date, breach date)} of the pending targets.

        A record is at risk in the last 20 % of each window, counted in its
        clock: a business-hours window from Friday 16:00 to Monday 16:00 is
        at risk from Monday 14:24, not from Monday 01:36. A paused record
        has neither: its clock stands still.
        """
        result = {record.id: (False, False) for record in self}  # new records too
        windows = []
        for record in self:
            responded, _resolved, closed = record._sla_progress()
            if closed or record.sla_paused_since:
                continue
            targets = [(record.resolution_deadline, record.sla_paused_hours)]
            if not responded:
                targets.append(
                    (record.response_deadline, record.sla_response_paused_hours)
                )
            calendar = record._sla_calendar()
            windows += [
                (record.id, calendar, record.sla_start_date, deadline, paused)
                for deadline, paused in targets
                if deadline
            ]
        hours = self._sla_work_hours_batch(
            [
                (calendar, start, deadline)
                for _id, calendar, start, deadline, _p in windows
            ]
        )
        # the paused time is in the window but not in the target: the last
        # 20 % are those of the time the record really had
        warnings_at = self._sla_plan_hours_batch(
            [
                (calendar, start, max(worked - paused, 0.0) * SLA_RISK_RATIO + paused)
                for (_id, calendar, start, _deadline, paused), worked in zip(
                    windows, hours, strict=True
                )
            ]
        )
        by_record = defaultdict(lambda: ([], []))
        for (record_id, _calendar, _start, deadline, _paused), warning in zip(
            windows, warnings_at, strict=True
        ):
            warnings, breaches = by_record[record_id]
            warnings.append(warning or deadline)
            breaches.append(deadline)
        for record_id, (warnings, breaches) in by_record.items():
            result[record_id] = (min(warnings), min(breaches))
        return result

    def _sla_status_at(self, now):
        self.ensure_one()
        if not (self.response_deadline or self.resolution_deadline):
            return False
        responded, resolved, closed = self._sla_progress()
        late_response = bool(
            self.response_deadline and responded and responded > self.response_deadline
        )
        if closed:
            end = resolved or now
            failed = late_response or (
                self.resolution_deadline and end > self.resolution_deadline
            )
            if self.response_deadline and not responded:
                failed = failed or end > self.response_deadline
            return "failed" if failed else "met"
        if late_response:
            return "breached"
        if self.sla_paused_since:
            return "paused"
        warning, breach = self.sla_warning_date, self.sla_breach_date
        if breach and now >= breach:
            return "breached"
        if warning and now >= warning:
            return "at_risk"
        return "on_track"

    # ------------------------------------------------------------
    # PAUSES
    # ------------------------------------------------------------

    def _sla_pause(self, now=None):
        """Stop the clock of the records (waiting on the customer or a third
        party)."""
        now = now or fields.Datetime.now()
        self.filtered(lambda r: not r.sla_paused_since).write({"sla_paused_since": now})

    def _sla_resume(self, now=None):
        """Restart the clock: the paused time, counted in each record's
        clock, moves its pending deadlines."""
        now = now or fields.Datetime.now()
        paused = self.filtered("sla_paused_since")
        hours = self._sla_work_hours_batch(
            [(r._sla_calendar(), r.sla_paused_since, now) for r in paused]
        )
        for record, spent in zip(paused, hours, strict=True):
            responded = record._sla_progress()[0]
            vals = {
                "sla_paused_since": False,
                "sla_paused_hours": record.sla_paused_hours + spent,
            }
            if not responded or responded > record.sla_paused_since:
                vals["sla_response_paused_hours"] = (
                    record.sla_response_paused_hours + spent
                )
            record.write(vals)

    # ------------------------------------------------------------
    # ESCALATION
    # ------------------------------------------------------------

    @api.model
    def _sla_escalate(self, batch_size=500):
        """Escalate records entering the last 20 % of a window or past a
        deadline, once for each level (flags), in batches that report
        progress to the cron."""
        now = fields.Datetime.now()
        domain = self._sla_open_domain() + [
            "|",
            "&",
            ("sla_breach_date", "<=", now),
            ("sla_breach_sent", "=", False),
            "&",
            ("sla_warning_date", "<=", now),
            ("sla_warning_sent", "=", False),
        ]
        records = self.search(domain, limit=batch_size, order="sla_breach_date, id")
        if not records:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        groups = defaultdict(self.browse)
        to_warn, to_breach = self.browse(), self.browse()
        for record in records:
            status = record._sla_status_at(now)
            breach_due = record.sla_breach_date and record.sla_breach_date <= now
            flags = {
                "sla_status": status,
                "sla_warning_sent": True,
                "sla_breach_sent": bool(breach_due or record.sla_breach_sent),
            }
            if status == "breached" and not record.sla_breach_sent:
                to_breach |= record
            elif status == "at_risk" and not record.sla_warning_sent:
                to_warn |= record
            groups[tuple(sorted(flags.items()))] |= record
        for flags, group in groups.items():
            group.write(dict(flags))
        to_warn._sla_on_risk()
        to_breach._sla_on_breach()
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(records), remaining=remaining)

    # ------------------------------------------------------------
    # BUSINESS TIME (the one place that counts it)
    # ------------------------------------------------------------

    @api.model
    def _sla_plan_hours_batch(self, requests):
        """Add working hours to start dates, one calendar query per calendar.

        :param requests: list of ``(calendar, start, hours)``; ``start`` naive
            UTC; an empty calendar counts round the clock.
        :return: list of naive UTC deadlines (``False`` when no hours).
        """
        results = [False] * len(requests)
        by_calendar = defaultdict(list)
        for index, (calendar, start, hours) in enumerate(requests):
            if not start or not hours or hours <= 0:
                continue
            if not calendar:
                results[index] = start + timedelta(hours=hours)
            else:
                by_calendar[calendar].append(index)
        for calendar, indexes in by_calendar.items():
            begin = min(requests[i][1] for i in indexes)
            last = max(requests[i][1] for i in indexes)
            max_hours = max(requests[i][2] for i in indexes)
            hours_per_day = calendar.hours_per_day or 8.0
            span = timedelta(days=math.ceil(max_hours / hours_per_day * 7 / 5) + 14)
            pending = indexes
            for _attempt in range(8):
                spans, stops = self._sla_calendar_spans(calendar, begin, last + span)
                missing = []
                for index in pending:
                    _calendar, start, hours = requests[index]
                    deadline = self._sla_walk(spans, stops, start, hours)
                    if deadline:
                        results[index] = deadline
                    else:
                        missing.append(index)
                if not missing:
                    break
                pending = missing
                span *= 2
        return results

    @api.model
    def _sla_work_hours_batch(self, requests):
        """Working hours between two dates, one calendar query per calendar.

        :param requests: list of ``(calendar, start, end)``, naive UTC; an
            empty calendar counts round the clock.
        :return: list of hours (0.0 when a date is missing).
        """
        results = [0.0] * len(requests)
        by_calendar = defaultdict(list)
        for index, (calendar, start, end) in enumerate(requests):
            if not start or not end or end <= start:
                continue
            if calendar:
                by_calendar[calendar].append(index)
            else:
                results[index] = (end - start).total_seconds() / 3600
        for calendar, indexes in by_calendar.items():
            spans, stops = self._sla_calendar_spans(
                calendar,
                min(requests[i][1] for i in indexes),
                max(requests[i][2] for i in indexes),
            )
            # worked seconds before each span: every request then costs two
            # binary searches
            before = list(
                itertools.accumulate(
                    ((stop - begin).total_seconds() for begin, stop in spans),
                    initial=0.0,
                )
            )
            for index in indexes:
                _calendar, start, end = requests[index]
                worked = self._sla_worked_seconds(spans, stops, before, end)
                worked -= self._sla_worked_seconds(spans, stops, before, start)
                results[index] = worked / 3600
        return results

    @api.model
    def _sla_add_business_days(self, calendar, start, days=1):
        """``days`` working days (of ``calendar.hours_per_day``) after the
        naive UTC ``start``; round the clock without a calendar."""
        if not calendar:
            return start + timedelta(days=days)
        hours = days * (calendar.hours_per_day or 8.0)
        return self._sla_plan_hours_batch([(calendar, start, hours)])[
            0
        ] or start + timedelta(days=days)

    @api.model
    def _sla_business_date(self, calendar, day, days):
        """The date ``days`` working days of ``calendar`` after the date
        ``day`` (``day`` itself with no days, plain days without a
        calendar)."""
        if days <= 0:
            return day
        if not calendar:
            return day + timedelta(days=days)
        tz = pytz.timezone(calendar.tz or self.env.user.tz or "UTC")
        tomorrow = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        planned = calendar.plan_days(days, tomorrow, compute_leaves=True)
        return planned.astimezone(tz).date() if planned else day + timedelta(days)

    @api.model
    def _sla_calendar_spans(self, calendar, begin, end):
        """Working intervals of ``calendar`` between two naive UTC datetimes,
        as sorted naive UTC ``(start, stop)`` pairs, and their stops."""
        intervals = calendar._work_intervals_batch(
            pytz.utc.localize(begin), pytz.utc.localize(end)
        )[False]
        spans = [
            (
                start.astimezone(pytz.utc).replace(tzinfo=None),
                stop.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for start, stop, _meta in intervals
        ]
        return spans, [stop for _start, stop in spans]

    @staticmethod
    def _sla_worked_seconds(spans, stops, before, moment):
        """Seconds worked in ``spans`` up to ``moment``; ``before[i]`` holds
        the seconds of the spans ahead of span ``i`` (and their total last)."""
        position = bisect.bisect_right(stops, moment)
        if position == len(spans):
            return before[-1]
        inside = (moment - spans[position][0]).total_seconds()
        return before[position] + max(0.0, inside)

    @staticmethod
    def _sla_walk(spans, stops, start, hours):
        remaining = timedelta(hours=hours)
        position = bisect.bisect_right(stops, start)
        for span_start, span_stop in spans[position:]:
            span_start = max(span_start, start)
            available = span_stop - span_start
            if remaining <= available:
                return span_start + remaining
            remaining -= available
        return False
