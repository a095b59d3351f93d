"""The review of a return: who reviews it (the team's assignment method), by
when (business days on the team's calendar), and the reminder when late."""

from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_datetime

from .aftersales_rma import APPROVER_GROUP


class AftersalesRma(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.rma"

    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
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
