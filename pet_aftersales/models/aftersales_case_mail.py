"""A case's mail: chatter on create (one case or a thousand), tracking,
the mail gateway (new case from an e-mail, replies), acknowledgements and
the first response."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools


# one file per concept of a case (the case, its service levels, its mail);
# not merged on purpose
class AftersalesCase(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.case"

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def _aftersales_creation_chatter(self):
        """What mail.thread does when it creates records, for the whole batch,
        the same for one case as for a thousand.

        Each case gets its followers (the creator, the team's followers of
        "Case Opened", the assignee) and a creation note in its chatter; each
        team posts one announcement of its new cases that notifies its
        followers and the assignees once per create, instead of one message
        per case (about 19 queries each). Stage mail templates are sent as on
        any stage change. The standard context keys an integration passes
        are honoured: ``mail_create_nosubscribe``, ``mail_create_nolog``,
        ``mail_notrack``, ``mail_auto_subscribe_no_notify``.
        """
        if not self:
            return
        ctx = self.env.context
        self._aftersales_subscribe_new()
        if not ctx.get("mail_create_nolog"):
            author = self.env.user.partner_id
            self._message_log_batch(
                bodies={case.id: case._creation_message() for case in self},
                author_id=author.id,
            )
            self._aftersales_announce_new()
        if not ctx.get("mail_notrack"):
            with_template = self.filtered("stage_id.mail_template_id")
            if with_template:
                # after the request's last write, as mail.thread does
                self.env.cr.precommit.add(with_template._aftersales_send_stage_mail)

    def _aftersales_send_stage_mail(self):
        for case in self.exists():
            case._message_track_post_template(["stage_id"])

    def _aftersales_subscribe_new(self):
        """Followers of new cases, through ``mail.followers._insert_followers``
        once per team and owner: the creator, the team's followers (with the
        case subtypes their team subscription implies) and the assignee, as
        mail.thread's auto-subscription would give them."""
        Subtype = self.env["mail.message.subtype"]
        child_ids, def_ids, int_ids, parent, _relation = (
            Subtype._get_auto_subscription_subtypes(self._name)
        )
        defaults, _internal, external = Subtype._default_subtypes(self._name)
        team_followers = defaultdict(dict)
        teams = self.team_id
        if teams:
            rows = self.env["mail.followers"]._get_subscription_data(
                [(teams._name, teams.ids)],
                None,
                include_pshare=True,
                include_active=True,
            )
            for _fol_id, team_id, partner_id, subtype_ids, pshare, active in rows:
                if not partner_id or not active:
                    continue
                sids = {parent[sid] for sid in subtype_ids if parent.get(sid)}
                sids |= {
                    sid for sid in subtype_ids if sid not in parent and sid in child_ids
                }
                team_followers[team_id][partner_id] = (
                    sids - set(int_ids) if pshare else sids
                )
        creator = self.env.user
        subscribe_creator = (
            not self.env.context.get("mail_create_nosubscribe") and creator.active
        )
        creator_sids = set(external if creator.share else defaults)
        Followers = self.env["mail.followers"]
        for (team, owner), cases in self.grouped(
            lambda c: (c.team_id, c.user_id)
        ).items():
            partners = defaultdict(set)
            if subscribe_creator:
                partners[creator.partner_id.id] |= creator_sids
            for partner_id, sids in team_followers[team.id].items():
                partners[partner_id] |= sids
            if owner.sudo().active:
                partners[owner.sudo().partner_id.id] |= set(def_ids)
            if partners:
                Followers._insert_followers(
                    self._name,
                    cases.ids,
                    list(partners),
                    subtypes={pid: sorted(sids) for pid, sids in partners.items()},
                    check_existing=False,
                )

    def _aftersales_announce_new(self):
        """One announcement per team and create, posted on the team: it
        notifies the team's followers of "Case Opened" and the assignees of
        the new cases, listed under their owner."""
        digest_size = 50
        notify_assignees = not self.env.context.get("mail_auto_subscribe_no_notify")
        for team, cases in self.grouped("team_id").items():
            assignees = (
                cases.user_id.filtered(lambda u: u != self.env.user and u.sudo().active)
                if notify_assignees
                else self.env["res.users"]
            )
            sections = []
            for user, owned in cases.grouped("user_id").items():
                items = Markup("").join(
                    Markup('<li><a href="%s">%s</a></li>')
                    % (case._notify_get_action_link("view"), case.display_name)
                    for case in owned[:digest_size]
                )
                if len(owned) > digest_size:
                    items += Markup("<li>%s</li>") % self.env._(
                        "… and %(count)s more", count=len(owned) - digest_size
                    )
                sections.append(
                    Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Assigned to %(user)s (%(count)s):",
                            user=user.name,
                            count=len(owned),
                        )
                        if user
                        else self.env._("Unassigned (%(count)s):", count=len(owned)),
                        items,
                    )
                )
            body = Markup("<p>%s</p>%s") % (
                self.env._("%(count)s new cases were opened.", count=len(cases))
                if len(cases) > 1
                else self.env._("A new case was opened."),
                Markup("").join(sections),
            )
            if team:
                team.sudo().message_post(
                    subtype_xmlid="pet_aftersales.mt_team_case_new",
                    author_id=self.env.user.partner_id.id,
                    partner_ids=assignees.partner_id.ids,
                    body=body,
                )
            elif assignees:
                self.env["mail.thread"].message_notify(
                    partner_ids=assignees.partner_id.ids,
                    subject=self.env._("New after-sales cases"),
                    body=body,
                    email_layout_xmlid="mail.mail_notification_layout",
                )

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("pet_aftersales.mt_case_stage")
        return super()._track_subtype(init_values)

    def _track_template(self, changes):
        res = super()._track_template(changes)
        case = self[0]
        if "stage_id" in changes and case.stage_id.mail_template_id:
            res["stage_id"] = (
                case.stage_id.mail_template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for case in self:
            if case.partner_id:
                case._message_add_suggested_recipient(
                    recipients,
                    partner=case.partner_id,
                    reason=self.env._("Customer"),
                )
            elif case.email_from:
                case._message_add_suggested_recipient(
                    recipients,
                    email=case.email_from,
                    reason=self.env._("Customer Email"),
                )
        return recipients

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A mail to a team alias opens a case for the sender.

        A known sender becomes the customer. An unknown one is kept as the
        case's address only (no contact: spam must not fill Contacts) unless
        the company creates contacts from incoming mail; an agent can link
        or create the contact later.
        """
        values = dict(custom_values or {})
        replied_case_id = values.pop("aftersales_replied_case_id", False)
        values["channel"] = "email"
        values.setdefault("description", msg_dict.get("body"))
        email_from = msg_dict.get("email_from")
        if email_from and not values.get("partner_id"):
            team = self.env["aftersales.team"].browse(values.get("team_id"))
            company = team.company_id or self.env.company
            partner = self._mail_find_partner_from_emails(
                [email_from], force_create=company.aftersales_mail_create_partner
            )[0]
            if partner:
                values["partner_id"] = partner.id
            values.setdefault("email_from", email_from)
        case = super(
            AftersalesCase, self.with_context(mail_create_nolog=True)
        ).message_new(msg_dict, custom_values=values)
        if case.partner_id:
            case.message_subscribe(partner_ids=case.partner_id.ids)
        if replied_case_id:
            replied = self.browse(replied_case_id)
            case.message_post(
                body=self.env._(
                    "This mail answered case %(case)s, but its sender is neither "
                    "that case's customer nor one of its followers: it opened "
                    "this new case instead.",
                    case=replied.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        case._send_acknowledgement()
        return case

    def _aftersales_reply_allowed(self, message_dict):
        """Whether an incoming reply may join this case's thread (and reopen
        it): from the customer, a follower or a staff member only."""
        self.ensure_one()
        case = self.sudo()
        sender = tools.email_normalize(message_dict.get("email_from") or "")
        if sender and sender in (
            case.partner_id.email_normalized,
            tools.email_normalize(case.email_from or ""),
        ):
            return True
        author = self.env["res.partner"].sudo().browse(message_dict.get("author_id"))
        if not author and sender:
            author = (
                self.env["res.partner"]
                .sudo()
                .search([("email_normalized", "=", sender)])
            )
        if author & case.message_partner_ids:
            return True
        return bool(author.user_ids.filtered(lambda u: not u.share))

    def message_update(self, msg_dict, update_vals=None):
        """A customer's reply to a closed case reopens it (second handling)."""
        author_id = msg_dict.get("author_id")
        author = self.env["res.partner"].browse(author_id) if author_id else None
        from_staff = bool(author and author.user_ids.filtered(lambda u: not u.share))
        if not from_staff:
            self.filtered("is_closed").action_reopen()
        return super().message_update(msg_dict, update_vals=update_vals)

    def _send_acknowledgement(self):
        """Acknowledge a case opened by mail. A sender without contact gets it
        at their address: the composer would create a contact for them."""
        template = self.env.ref(
            "pet_aftersales.mail_template_case_acknowledgement",
            raise_if_not_found=False,
        )
        if not template:
            return
        for case in self.filtered(lambda c: c.partner_id.email or c.email_from):
            if case.partner_id:
                case._aftersales_message_post_template(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    message_type="auto_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
            else:
                template.send_mail(
                    case.id,
                    email_layout_xmlid="mail.mail_notification_light",
                    email_values={"auto_delete": False, "recipient_ids": []},
                )

    def message_post_with_source(self, source_ref, **kwargs):
        # what the system sends from a template is never a first response
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        ).message_post_with_source(source_ref, **kwargs)

    def _aftersales_message_post_template(self, template, **kwargs):
        # the same for templates posted in a batch
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        )._aftersales_message_post_template(template, **kwargs)

    def _aftersales_send_survey_mail(self, template, user_input):
        # the survey invitation is not an answer to the customer
        return super(
            AftersalesCase, self.with_context(aftersales_automatic_mail=True)
        )._aftersales_send_survey_mail(template, user_input)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if (
            message.message_type == "comment"
            and not self.env.context.get("aftersales_automatic_mail")
            and message.subtype_id
            and not message.subtype_id.internal
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            self.filtered(lambda c: not c.first_response_date).sudo().write(
                {"first_response_date": message.date or fields.Datetime.now()}
            )
        return message
