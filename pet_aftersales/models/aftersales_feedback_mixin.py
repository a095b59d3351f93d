from datetime import timedelta

from odoo import api, fields, models

FEEDBACK_CHANNELS = [("survey", "Survey"), ("callback", "Phone Call-back")]
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
    feedback_channel = fields.Selection(FEEDBACK_CHANNELS, copy=False)
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
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id
        return self.env["mail.activity.type"].browse(
            [
                type_id
                for type_id in (
                    xmlid_to_id("mail.mail_activity_data_call"),
                    xmlid_to_id(
                        "pet_aftersales.mail_activity_type_callback",
                        raise_if_not_found=False,
                    ),
                )
                if type_id
            ]
        )

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

    def _aftersales_callback_calendar(self):
        """The working calendar call-back dates are counted in (hook)."""
        self.ensure_one()
        return self.company_id.resource_calendar_id

    def _aftersales_plan_callback(self):
        """The one call-back scheduler: the call-back date, ``callback_days``
        business days from today on the record's calendar, and a call-back
        to-do for the owner, in the owner's language, unless one is planned."""
        if not self:
            return
        activities = self._aftersales_callback_activities()
        for record in self:
            planned = activities.filtered(lambda act, rec=record: act.res_id == rec.id)
            if planned:
                if not record.callback_date:
                    record.callback_date = planned[0].date_deadline
                continue
            deadline = self.env["aftersales.sla.mixin"]._sla_business_date(
                record._aftersales_callback_calendar(),
                fields.Date.context_today(record),
                max(record.company_id.aftersales_callback_days, 0),
            )
            record.write({"callback_date": deadline, "callback_done": False})
            record._aftersales_activity_schedule(
                record._aftersales_feedback_owner() or self.env.user,
                lambda record, env: {
                    "summary": env._(
                        "Call the customer back about %(case)s",
                        case=record.display_name,
                    ),
                    "note": env._(
                        "Call the customer back, check the problem is solved and "
                        "record the satisfaction scores with the Call-back button."
                    ),
                },
                "pet_aftersales.mail_activity_type_callback",
                date_deadline=deadline,
            )

    def _aftersales_schedule_callback(self):
        """Feedback by phone instead of a survey: the call-back is planned
        and the feedback waits for it."""
        self.filtered(
            lambda r: not r.callback_date or r.callback_done
        )._aftersales_plan_callback()
        self.write({"feedback_state": "callback", "feedback_skip_reason": False})

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

    # (loyalty points for feedback: aftersales_feedback_loyalty.py)

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
