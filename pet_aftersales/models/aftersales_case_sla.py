"""A case's service levels: which SLA policy applies, its targets and clock,
and what happens when a case is at risk or breaches (aftersales.sla.mixin
holds the deadline maths)."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models


# one file per concept of a case (the case, its service levels, its mail);
# not merged on purpose
class AftersalesCase(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "aftersales.case"

    # ------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------

    def _get_sla_policies_by_team(self):
        policies = (
            self.env["aftersales.sla.policy"]
            .sudo()
            .search_fetch(
                [("team_id", "in", self.team_id.ids)],
                ["team_id", "priority", "clock", "response_hours", "resolution_hours"],
            )
        )
        by_team = defaultdict(list)
        for policy in policies:
            by_team[policy.team_id.id].append(policy)
        return by_team

    def _match_sla_policy(self, policies_by_team):
        """The most specific active policy of the team for this case.

        A policy matches when its categories are empty or contain the case's
        category and its minimum priority is at most the case's. Policies
        naming categories beat generic ones, then the highest minimum priority
        wins.
        """
        self.ensure_one()
        best = self.env["aftersales.sla.policy"]
        best_key = None
        priority = int(self.priority or 0)
        for policy in policies_by_team.get(self.team_id.id, ()):
            if int(policy.priority) > priority:
                continue
            if policy.category_ids and self.category_id not in policy.category_ids:
                continue
            key = (bool(policy.category_ids), int(policy.priority), -policy.id)
            if best_key is None or key > best_key:
                best, best_key = policy, key
        return best

    def _sla_targets(self):
        return {
            case: (
                case.sla_policy_id.response_hours,
                case.sla_policy_id.resolution_hours,
            )
            for case in self
        }

    def _sla_calendar(self):
        self.ensure_one()
        if self.sla_policy_id.clock == "calendar":
            return self.env["resource.calendar"]
        return self.team_id.resource_calendar_id

    def _sla_progress(self):
        self.ensure_one()
        return self.first_response_date, self.resolved_date, self.is_closed

    def _sla_open_domain(self):
        return [("is_closed", "=", False)]

    @api.model
    def _cron_sla_escalation(self, batch_size=500):
        """Escalate cases entering the last 20% of a window or past a deadline.

        At risk: an activity for the owner. Breached: one message per team
        leader listing the team's breached cases. Each case is escalated once
        for each level (flags), in batches that report progress.
        """
        return self._sla_escalate(batch_size)

    def _sla_on_risk(self):
        activity_type = self.env.ref(
            "pet_aftersales.mail_activity_type_sla_risk", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for case in self:
            owner = case.user_id or case.team_id.user_id
            if not owner:
                continue
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "user_id": owner.id,
                    "date_deadline": today,
                    "automated": True,
                    "summary": self.env._("SLA at risk: answer before the deadline"),
                }
            )
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _sla_on_breach(self):
        """One notification per team leader listing the newly breached cases."""
        for team in self.team_id:
            cases = self.filtered(lambda c, t=team: c.team_id == t)
            leader = team.user_id
            if not leader:
                continue
            items = Markup("").join(
                Markup('<li><a href="/odoo/aftersales.case/%s">%s</a></li>')
                % (case.id, case.display_name)
                for case in cases
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "%(count)s case(s) of team %(team)s breached their "
                    "service-level deadline:",
                    count=len(cases),
                    team=team.name,
                ),
                items,
            )
            team.message_notify(
                partner_ids=leader.partner_id.ids,
                body=body,
                subject=self.env._("SLA breached: %(team)s", team=team.name),
                email_layout_xmlid="mail.mail_notification_light",
            )
