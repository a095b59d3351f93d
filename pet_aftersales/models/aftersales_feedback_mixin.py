from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

RATINGS = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]
# survey.question.aftersales_dimension -> field holding its 1-5 rating
DIMENSION_FIELDS = {
    "speed": "csat_speed",
    "solution": "csat_solution",
    "attitude": "csat_attitude",
    "quality": "csat_quality",
    "logistics": "csat_logistics",
}


class AftersalesFeedbackMixin(models.AbstractModel):
    """Satisfaction feedback shared by cases and returns.

    Once the service is over (case closed, return done), the customer is asked
    for feedback: a mail survey through Odoo's ``survey``, or a phone call-back
    for key customers and major cases. The answer lands in the ``csat_*``
    fields, can send the case back to second handling, and is rewarded with
    loyalty points, once per record.
    """

    _name = "aftersales.feedback.mixin"
    _description = "After-sales Feedback"
    # the Many2one to the model on survey.user_input and loyalty.history
    # (each model using the mixin names its own, e.g. "aftersales_case_id")
    _aftersales_feedback_link_field = None

    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Survey Answer", copy=False, readonly=True
    )
    survey_state = fields.Selection(
        related="survey_user_input_id.state", string="Survey Status"
    )
    feedback_state = fields.Selection(
        [
            ("none", "Not Requested"),
            ("skipped", "Not Sent"),
            ("survey_sent", "Survey Sent"),
            ("callback", "Call-back Planned"),
            ("done", "Feedback Received"),
        ],
        default="none",
        required=True,
        copy=False,
        index=True,
        tracking=True,
    )
    feedback_skip_reason = fields.Char(copy=False, readonly=True)
    feedback_channel = fields.Selection(
        [("survey", "Survey"), ("callback", "Phone Call-back")], copy=False
    )
    survey_sent_date = fields.Datetime(copy=False, readonly=True)
    survey_reminder_date = fields.Datetime(
        string="Survey Reminder Sent on", copy=False, readonly=True
    )
    feedback_date = fields.Datetime(
        string="Feedback Received on", copy=False, readonly=True, index=True
    )
    feedback_comment = fields.Text(string="Customer Comment", copy=False)
    feedback_points_granted = fields.Boolean(
        string="Feedback Rewarded",
        copy=False,
        readonly=True,
        help="The feedback reward was handled; it is never granted twice.",
    )
    callback_date = fields.Date(string="Call-back Date", copy=False, index=True)
    callback_done = fields.Boolean(string="Call-back Done", copy=False)
    csat_score = fields.Float(
        string="Satisfaction Score",
        copy=False,
        aggregator="avg",
        help="Overall customer satisfaction, from 0 to 100.",
    )
    csat_speed = fields.Integer(
        string="Response Speed Rating", copy=False, aggregator="avg"
    )
    csat_solution = fields.Integer(
        string="Solution Rating", copy=False, aggregator="avg"
    )
    csat_attitude = fields.Integer(
        string="Attitude Rating", copy=False, aggregator="avg"
    )
    csat_quality = fields.Integer(
        string="Product Quality Rating", copy=False, aggregator="avg"
    )
    csat_logistics = fields.Integer(
        string="Logistics Speed Rating", copy=False, aggregator="avg"
    )

    # ------------------------------------------------------------
    # HOOKS (each model using the mixin says what its feedback is about)
    # ------------------------------------------------------------

    def _aftersales_feedback_link_vals(self):
        """Values linking a survey answer or a loyalty history line to
        ``self``, through the model's ``_aftersales_feedback_link_field``."""
        self.ensure_one()
        return {self._aftersales_feedback_link_field: self.id}

    def _aftersales_feedback_case(self):
        """The case that goes to second handling when the customer is unhappy."""
        return self.env["aftersales.case"]

    def _aftersales_feedback_owner(self):
        """Who calls the customer back and follows up a low score."""
        self.ensure_one()
        return self.user_id

    def _aftersales_feedback_pets(self):
        """The pets this service was about: no survey names a pet that died."""
        return self.env["pet.profile"]

    def _aftersales_feedback_is_major(self):
        """Major issues get a phone call-back instead of a mail survey."""
        return False

    def _aftersales_needs_callback(self):
        """Key customers and major issues get a phone call, not a mail survey."""
        self.ensure_one()
        return (
            self.partner_id.commercial_partner_id.is_key_customer
            or self._aftersales_feedback_is_major()
        )

    def _aftersales_survey_block_reason(self, surveyed_partners):
        """Why no survey may be mailed for this record, or False."""
        self.ensure_one()
        partner = self.partner_id
        company = self.company_id
        if not company.aftersales_survey_id:
            return self.env._("No satisfaction survey is configured.")
        if not partner.email_normalized:
            return self.env._("The customer has no valid email address.")
        if partner.commercial_partner_id.aftersales_survey_opt_out:
            return self.env._("The customer does not want satisfaction surveys.")
        if partner.is_blacklisted:
            return self.env._("The customer's email address is blacklisted.")
        deceased = self._aftersales_feedback_pets().filtered("deceased_date")
        if deceased:
            return self.env._(
                "%(pet)s has passed away: no survey about this service.",
                pet=", ".join(deceased.mapped("name")),
            )
        if partner.commercial_partner_id in surveyed_partners:
            return self.env._(
                "The customer already got a satisfaction survey in the last "
                "%(days)s days.",
                days=company.aftersales_survey_min_interval_days,
            )
        return False

    def _aftersales_recently_surveyed_partners(self):
        """Commercial partners surveyed within their company's minimum interval."""
        partners = self.partner_id.commercial_partner_id
        if not partners:
            return partners
        max_days = max(self.company_id.mapped("aftersales_survey_min_interval_days"))
        if max_days <= 0:
            return partners.browse()
        now = fields.Datetime.now()
        groups = (
            self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("create_date", ">=", now - timedelta(days=max_days)),
                    "|",
                    ("aftersales_case_id", "!=", False),
                    ("aftersales_rma_id", "!=", False),
                ],
                ["partner_id"],
                ["create_date:max"],
            )
        )
        recent = partners.browse()
        interval = {
            record.partner_id.commercial_partner_id: timedelta(
                days=record.company_id.aftersales_survey_min_interval_days
            )
            for record in self
        }
        for partner, last_date in groups:
            commercial = partner.commercial_partner_id
            if commercial in interval and last_date >= now - interval[commercial]:
                recent |= commercial
        return recent

    # ------------------------------------------------------------
    # FEEDBACK REQUEST
    # ------------------------------------------------------------

    def _aftersales_request_feedback(self):
        """Ask the customer for feedback once the service is over.

        Key customers and major cases get a call-back activity for the owner;
        the others get the company's survey by mail, unless they opted out,
        are blacklisted or were surveyed too recently.
        """
        records = self.filtered(
            lambda rec: rec.partner_id and rec.feedback_state in ("none", "skipped")
        )
        callbacks = records.filtered(lambda rec: rec._aftersales_needs_callback())
        callbacks._aftersales_schedule_callback()
        surveyed = (records - callbacks)._aftersales_recently_surveyed_partners()
        template = self.env.ref(
            "pet_aftersales.mail_template_aftersales_survey_invite",
            raise_if_not_found=False,
        )
        for record in records - callbacks:
            reason = record._aftersales_survey_block_reason(surveyed)
            if reason:
                record.write(
                    {"feedback_state": "skipped", "feedback_skip_reason": reason}
                )
                continue
            company = record.company_id
            survey = company.aftersales_survey_id.sudo()
            user_input = survey._create_answer(
                partner=record.partner_id,
                check_attempts=False,
                **record._aftersales_feedback_link_vals(),
            )
            record.write(
                {
                    "survey_user_input_id": user_input.id,
                    "feedback_state": "survey_sent",
                    "feedback_skip_reason": False,
                    "survey_sent_date": fields.Datetime.now(),
                }
            )
            surveyed |= record.partner_id.commercial_partner_id
            if template:
                record._aftersales_send_survey_mail(template, user_input)
        return True

    def _aftersales_send_survey_mail(self, template, user_input):
        """Mail the survey link to the customer through the record's thread.

        The template (on ``survey.user_input``, editable in Settings) is
        rendered in the customer's language and posted as a message to the
        customer, so it is also visible on the portal page of the record.
        """
        self.ensure_one()
        res_ids = user_input.ids
        # agents may not read survey answers: the link is rendered as superuser
        template = template.sudo()
        subject = template._render_field("subject", res_ids, compute_lang=True)
        body = template._render_field("body_html", res_ids, compute_lang=True)
        self.message_post(
            body=body[user_input.id],
            subject=subject[user_input.id],
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _aftersales_callback_activity_types(self):
        """Activity types that stand for a call-back: ours and Odoo's call."""
        types = self.env.ref("mail.mail_activity_data_call")
        case_type = self.env.ref(
            "pet_aftersales.mail_activity_type_callback", raise_if_not_found=False
        )
        return types | case_type if case_type else types

    def _aftersales_callback_activities(self):
        """Open call-back activities of these records, in one query."""
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                (
                    "activity_type_id",
                    "in",
                    self._aftersales_callback_activity_types().ids,
                ),
            ]
        )

    def _aftersales_second_handling_activities(self):
        """Open "Customer not satisfied" to-dos of these records."""
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_second_handling",
            raise_if_not_found=False,
        )
        if not activity_type or not self.ids:
            return self.env["mail.activity"]
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def _aftersales_schedule_callback(self):
        """Plan a satisfaction call for the owner, unless one is planned."""
        activities = self._aftersales_callback_activities()
        for record in self:
            planned = activities.filtered(lambda act, rec=record: act.res_id == rec.id)
            if planned:
                record.write(
                    {
                        "feedback_state": "callback",
                        "feedback_skip_reason": False,
                        "callback_date": record.callback_date
                        or planned[0].date_deadline,
                    }
                )
                continue
            company = record.company_id
            deadline = self.env["aftersales.sla.mixin"]._sla_business_date(
                company.resource_calendar_id,
                fields.Date.context_today(record),
                company.aftersales_callback_days or 0,
            )
            record.write(
                {
                    "feedback_state": "callback",
                    "feedback_skip_reason": False,
                    "callback_date": deadline,
                    "callback_done": False,
                }
            )
            owner = record._aftersales_feedback_owner() or self.env.user
            record._aftersales_activity_schedule(
                owner,
                lambda record, env: {
                    "summary": env._("Satisfaction call-back"),
                    "note": env._(
                        "Call the customer back, check the problem is solved and "
                        "record the satisfaction scores with the Call-back button."
                    ),
                },
                activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
                date_deadline=deadline,
            )

    @api.model
    def _cron_aftersales_survey_reminder(self, batch_size=200):
        """Remind once the customers who did not answer their survey."""
        UserInput = self.env["survey.user_input"].sudo()
        template = self.env.ref(
            "pet_aftersales.mail_template_aftersales_survey_reminder",
            raise_if_not_found=False,
        )
        now = fields.Datetime.now()
        records = self.search(
            [
                ("feedback_state", "=", "survey_sent"),
                ("survey_reminder_date", "=", False),
                ("survey_user_input_id.state", "!=", "done"),
                ("company_id.aftersales_survey_reminder_days", ">", 0),
                ("survey_sent_date", "<=", now - timedelta(days=1)),
            ],
            order="survey_sent_date, id",
        )
        due = records.filtered(
            lambda rec: rec.survey_sent_date
            <= now - timedelta(days=rec.company_id.aftersales_survey_reminder_days)
            and not rec.partner_id.is_blacklisted
            and not rec.partner_id.commercial_partner_id.aftersales_survey_opt_out
            and not rec._aftersales_feedback_pets().filtered("deceased_date")
        )
        batch = due[:batch_size]
        for record in batch:
            if template:
                user_input = UserInput.browse(record.survey_user_input_id.id)
                record._aftersales_send_survey_mail(template, user_input)
        batch.write({"survey_reminder_date": now})
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(due) - len(batch)
        )
        return True

    # ------------------------------------------------------------
    # FEEDBACK ANSWER
    # ------------------------------------------------------------

    def _aftersales_apply_feedback_scores(
        self, ratings, channel="survey", comment=None, unhappy=False
    ):
        """Store the 1-5 ratings (dimension -> value) and react to them.

        ``csat_score`` (0-100) is the mean of the given ratings; below the
        company's threshold, or when the customer says so (``unhappy``), the
        case goes back to second handling and its owner is alerted.
        """
        self.ensure_one()
        ratings = {dim: int(val) for dim, val in ratings.items() if val}
        vals = {
            "feedback_state": "done",
            "feedback_channel": channel,
            "feedback_date": fields.Datetime.now(),
        }
        if comment:
            vals["feedback_comment"] = comment
        for dimension, field in DIMENSION_FIELDS.items():
            if dimension in ratings:
                vals[field] = min(max(ratings[dimension], 1), 5)
            elif ratings:
                # a new handling round is rated afresh: no rating of the
                # previous round may linger next to the new ones
                vals[field] = 0
        if ratings:
            values = [
                vals[field]
                for dimension, field in DIMENSION_FIELDS.items()
                if dimension in ratings
            ]
            vals["csat_score"] = round(
                sum((value - 1) * 25.0 for value in values) / len(values), 2
            )
        self.write(vals)
        self.partner_id.sudo()._aftersales_update_csat_average()
        threshold = self.company_id.aftersales_csat_reopen_threshold
        if unhappy or (ratings and threshold and self.csat_score < threshold):
            self._aftersales_feedback_second_handling()
        return True

    def _aftersales_feedback_second_handling(self):
        """Send the case back to handling and alert its owner.

        The to-do of an earlier unhappy round is marked done first: each round
        has one "Customer not satisfied" to-do, closed when the case is solved
        again (see ``aftersales.case._on_resolved``).
        """
        self.ensure_one()
        case = self._aftersales_feedback_case()
        if case and case.is_closed:
            case.with_context(
                aftersales_reopen_reason=self.env._(
                    "Customer not satisfied (%(score)s/100)",
                    score=round(self.csat_score),
                )
            ).action_reopen()
        owner = self._aftersales_feedback_owner()

        def texts(record, env):
            return {
                "summary": env._("Customer not satisfied"),
                "note": env._(
                    "Satisfaction score %(score)s/100 on %(record)s: handle the "
                    "case again and contact the customer.",
                    score=round(self.csat_score),
                    record=self.with_env(env).display_name,
                ),
            }

        target = case or self
        target._aftersales_second_handling_activities().action_feedback(
            feedback=self.env._("A new unhappy feedback replaces this to-do.")
        )
        if owner:
            activity_type = self.env.ref(
                "pet_aftersales.mail_activity_type_second_handling",
                raise_if_not_found=False,
            ) or self.env.ref("mail.mail_activity_data_todo")
            target._aftersales_activity_schedule(
                owner, texts, activity_type_id=activity_type.id
            )
        else:
            target.message_post(
                body=texts(target, self.env)["note"], subtype_xmlid="mail.mt_note"
            )

    # ------------------------------------------------------------
    # LOYALTY REWARD
    # ------------------------------------------------------------

    def _aftersales_lock(self):
        """Lock the rows so concurrent answers cannot reward twice."""
        self.flush_recordset(["feedback_points_granted"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["feedback_points_granted"])

    def _aftersales_lock_rewarded_partners(self):
        """Serialize the rewards of one customer: the monthly cap counts what
        other transactions granted. A no-op update takes the customer's row
        lock; a concurrent reward of the same customer waits for it and, under
        Odoo's repeatable-read transactions, fails with a serialization error
        once this one commits, so that Odoo retries it on a snapshot that sees
        these points (and the card this one may create)."""
        partners = self.partner_id.commercial_partner_id
        if partners:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET write_date = write_date WHERE id IN %s",
                    tuple(sorted(partners.ids)),
                )
            )

    def _aftersales_loyalty_card(self, program, partner):
        card = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [("program_id", "=", program.id), ("partner_id", "=", partner.id)],
                order="id",
                limit=1,
            )
        )
        if not card:
            card = (
                self.env["loyalty.card"]
                .sudo()
                .with_company(program.company_id or self.company_id)
                .create(
                    {"program_id": program.id, "partner_id": partner.id, "points": 0}
                )
            )
        return card

    def _aftersales_monthly_feedback_points(self, partner):
        today = fields.Date.context_today(self)
        month_start = fields.Datetime.to_datetime(today.replace(day=1))
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("aftersales_kind", "=", "feedback"),
                    ("card_id.partner_id", "=", partner.id),
                    ("create_date", ">=", month_start),
                ],
                [],
                ["issued:sum"],
            )
        )
        return groups[0][0] or 0.0

    def _aftersales_grant_feedback_points(self):
        """Reward the feedback on the customer's loyalty card, once per record.

        The points go to the commercial partner's card of the company's
        feedback program, capped per calendar month, with a history line
        naming the case or return.
        """
        records = self.filtered(lambda rec: not rec.feedback_points_granted)
        if not records:
            return self.env["loyalty.history"]
        records._aftersales_lock()
        records._aftersales_lock_rewarded_partners()
        history = self.env["loyalty.history"].sudo()
        for record in records.filtered(lambda rec: not rec.feedback_points_granted):
            company = record.company_id
            program = company.aftersales_loyalty_program_id.sudo()
            points = company.aftersales_feedback_points
            partner = record.partner_id.commercial_partner_id
            if not program or points <= 0 or not partner:
                continue
            cap = company.aftersales_feedback_points_monthly_cap
            if cap > 0:
                points = min(
                    points, cap - record._aftersales_monthly_feedback_points(partner)
                )
            record.feedback_points_granted = True
            if points <= 0:
                record.message_post(
                    body=self.env._(
                        "No feedback points: the customer reached the monthly "
                        "cap of %(cap)s points.",
                        cap=cap,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            card = record._aftersales_loyalty_card(program, partner)
            history |= history.create(
                {
                    "card_id": card.id,
                    "issued": points,
                    "aftersales_kind": "feedback",
                    "description": self.env._(
                        "Feedback reward for %(record)s", record=record.display_name
                    ),
                    **record._aftersales_feedback_link_vals(),
                }
            )
            card.points += points
            record.message_post(
                body=self.env._(
                    "%(points)s %(unit)s credited to %(customer)s for the feedback.",
                    points=points,
                    unit=card.point_name or program.portal_point_name,
                    customer=partner.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return history

    @api.model
    def _aftersales_revoke_order_points(self, rma, ratio):
        """Take back the loyalty points ``rma``'s sale order earned, pro rata.

        ``ratio`` is the refunded share of the order (0-1). Each card loses
        ``ratio`` of the points the order issued on it, once per return, never
        below zero: what cannot be taken is reported on the return's chatter.
        """
        rma.ensure_one()
        ratio = min(max(ratio or 0.0, 0.0), 1.0)
        order = rma.sale_order_id
        History = self.env["loyalty.history"].sudo()
        if not order or not ratio:
            return History
        already = History.search(
            [("aftersales_kind", "=", "revoke"), ("aftersales_rma_id", "=", rma.id)]
        )
        groups = History._read_group(
            [
                ("order_model", "=", "sale.order"),
                ("order_id", "=", order.id),
                ("issued", ">", 0),
                ("card_id", "not in", already.card_id.ids),
            ],
            ["card_id"],
            ["issued:sum"],
        )
        history = History
        for card, issued in groups:
            wanted = (
                card.currency_id.round(issued * ratio)
                if card.currency_id
                else issued * ratio
            )
            taken = min(wanted, max(card.points, 0.0))
            if wanted <= 0:
                continue
            history |= History.create(
                {
                    "card_id": card.id,
                    "used": taken,
                    "aftersales_kind": "revoke",
                    "aftersales_rma_id": rma.id,
                    "description": self.env._(
                        "Points of %(order)s taken back by return %(rma)s",
                        order=order.display_name,
                        rma=rma.display_name,
                    ),
                }
            )
            card.points -= taken
            if taken < wanted:
                rma.message_post(
                    body=self.env._(
                        "Only %(taken)s of the %(wanted)s points earned by "
                        "%(order)s could be taken back from %(customer)s's card: "
                        "the rest was already spent.",
                        taken=taken,
                        wanted=wanted,
                        order=order.display_name,
                        customer=card.partner_id.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return history

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_aftersales_callback(self):
        """Open the call-back wizard to record the customer's answers."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_callback_action"
        )
        action["context"] = {
            f"default_{field.removeprefix('aftersales_')}": res_id
            for field, res_id in self._aftersales_feedback_link_vals().items()
        }
        return action

    def action_aftersales_request_feedback(self):
        """Button: ask for feedback again after it was not sent."""
        self._aftersales_request_feedback()
        return True
