from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    pet_ids = fields.One2many("pet.profile", "partner_id", string="Pets")
    aftersales_pet_count = fields.Integer(
        string="Pet Count", compute="_compute_aftersales_pet_count"
    )
    aftersales_case_ids = fields.One2many(
        "aftersales.case", "partner_id", string="After-sales Cases"
    )
    aftersales_case_count = fields.Integer(
        string="Case Count", compute="_compute_aftersales_case_count"
    )
    aftersales_rma_ids = fields.One2many(
        "aftersales.rma", "partner_id", string="Returns"
    )
    aftersales_rma_count = fields.Integer(
        string="Return Count", compute="_compute_aftersales_rma_count"
    )
    is_key_customer = fields.Boolean(
        string="Key Customer",
        index=True,
        tracking=True,
        compute="_compute_is_key_customer",
        store=True,
        help="High-value customer: call-backs by a named agent and priority "
        "handling. Set by hand, or from confirmed sales over the last 12 months.",
    )
    csat_average = fields.Float(
        string="Average Satisfaction",
        readonly=True,
        aggregator="avg",
        help="Average satisfaction score (0-100) of the customer's surveyed " "cases.",
    )

    aftersales_unsatisfied = fields.Boolean(
        string="Unsatisfied",
        compute="_compute_aftersales_unsatisfied",
        search="_search_aftersales_unsatisfied",
        help="Rated, with an average satisfaction below the score that sends "
        "a case back to second handling (Settings).",
    )

    @api.depends("csat_average")
    @api.depends_context("company")
    def _compute_aftersales_unsatisfied(self):
        threshold = self.env.company.aftersales_csat_reopen_threshold
        for partner in self:
            partner.aftersales_unsatisfied = 0 < partner.csat_average < threshold

    def _search_aftersales_unsatisfied(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Unsatisfied."))
        threshold = self.env.company.aftersales_csat_reopen_threshold
        domain = [("csat_average", ">", 0), ("csat_average", "<", threshold)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _aftersales_count_by_commercial_partner(self, model):
        """Count records of ``model`` per partner, including its contacts."""
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        groups = self.env[model]._read_group(
            [("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"]
        )
        counts = dict.fromkeys(self.ids, 0)
        self_ids = set(self.ids)
        for partner, count in groups:
            while partner:
                if partner.id in self_ids:
                    counts[partner.id] += count
                partner = partner.parent_id
        return counts

    def _compute_aftersales_pet_count(self):
        counts = dict(
            self.env["pet.profile"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.aftersales_pet_count = counts.get(partner, 0)

    def _compute_aftersales_case_count(self):
        counts = self._aftersales_count_by_commercial_partner("aftersales.case")
        for partner in self:
            partner.aftersales_case_count = counts.get(partner.id, 0)

    def _compute_aftersales_rma_count(self):
        counts = self._aftersales_count_by_commercial_partner("aftersales.rma")
        for partner in self:
            partner.aftersales_rma_count = counts.get(partner.id, 0)

    def action_view_aftersales_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_case_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_aftersales_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.aftersales_rma_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_pets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pet_aftersales.pet_profile_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------
    # SATISFACTION, KEY CUSTOMERS, FEEDBACK REWARDS
    # ------------------------------------------------------------

    aftersales_key_customer_manual = fields.Boolean(
        string="Key Customer by Hand",
        tracking=True,
        help="Always treat this customer as a key customer, whatever its sales.",
    )
    aftersales_sales_12m = fields.Float(
        string="Confirmed Sales (12 Months)",
        readonly=True,
        help="Confirmed sales of the last 12 months in the company currency, "
        "updated daily.",
    )
    aftersales_survey_opt_out = fields.Boolean(
        string="No Satisfaction Surveys",
        help="The customer asked not to receive satisfaction surveys.",
    )
    aftersales_feedback_points = fields.Float(
        string="Feedback Points Earned",
        compute="_compute_aftersales_feedback_points",
    )

    @api.depends("aftersales_key_customer_manual", "aftersales_sales_12m", "company_id")
    def _compute_is_key_customer(self):
        for partner in self:
            threshold = (
                partner.company_id or self.env.company
            ).aftersales_key_customer_amount
            partner.is_key_customer = partner.aftersales_key_customer_manual or bool(
                threshold > 0 and partner.aftersales_sales_12m >= threshold
            )

    def _aftersales_update_csat_average(self):
        """Store the mean score of the feedback on the partners' cases/returns.

        Called when feedback lands, rather than a compute depending on the
        case and return lists, which would cost queries on every new return.
        """
        totals = {partner.id: [0.0, 0] for partner in self}
        partner_ids = [pid for pid in self.ids if pid]
        if partner_ids:
            domain = [
                ("partner_id", "in", partner_ids),
                ("feedback_date", "!=", False),
                ("feedback_channel", "!=", False),
            ]
            for model in ("aftersales.case", "aftersales.rma"):
                groups = (
                    self.env[model]
                    .sudo()
                    .with_context(active_test=False)
                    ._read_group(
                        domain,
                        ["partner_id"],
                        ["csat_score:sum", "__count"],
                    )
                )
                for partner, score_sum, count in groups:
                    totals[partner.id][0] += score_sum
                    totals[partner.id][1] += count
        by_value = {}
        for partner in self:
            score_sum, count = totals.get(partner.id, (0.0, 0))
            value = round(score_sum / count, 2) if count else 0.0
            if partner.csat_average != value:
                by_value.setdefault(value, []).append(partner.id)
        for value, ids in by_value.items():
            self.browse(ids).write({"csat_average": value})

    def _compute_aftersales_feedback_points(self):
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("aftersales_kind", "=", "feedback"),
                    ("card_id.partner_id", "in", self.ids),
                ],
                ["card_id"],
                ["issued:sum"],
            )
        )
        points = dict.fromkeys(self.ids, 0.0)
        for card, issued in groups:
            points[card.partner_id.id] = points.get(card.partner_id.id, 0.0) + issued
        for partner in self:
            partner.aftersales_feedback_points = points.get(partner.id, 0.0)

    @api.model
    def _cron_aftersales_key_customers(self):
        """Refresh the 12-month confirmed sales that make key customers."""
        since = fields.Datetime.now() - timedelta(days=365)
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("state", "=", "sale"), ("date_order", ">=", since)],
                ["partner_id", "company_id", "currency_id"],
                ["amount_untaxed:sum"],
            )
        )
        today = fields.Date.context_today(self)
        sales = {}
        for partner, company, currency, amount in groups:
            commercial = partner.commercial_partner_id
            converted = currency._convert(amount, company.currency_id, company, today)
            sales[commercial.id] = sales.get(commercial.id, 0.0) + converted
        current = self.with_context(active_test=False).search_fetch(
            ["|", ("aftersales_sales_12m", "!=", 0), ("id", "in", list(sales))],
            ["aftersales_sales_12m"],
        )
        by_amount = {}
        for partner in current:
            amount = round(sales.get(partner.id, 0.0), 2)
            if partner.aftersales_sales_12m != amount:
                by_amount.setdefault(amount, []).append(partner.id)
        for amount, ids in by_amount.items():
            self.browse(ids).write({"aftersales_sales_12m": amount})
        # the threshold may have changed in Settings: recompute every candidate
        candidates = self.with_context(active_test=False).search(
            ["|", ("aftersales_sales_12m", "!=", 0), ("is_key_customer", "=", True)]
        )
        self.env.add_to_compute(self._fields["is_key_customer"], candidates)
        candidates.flush_recordset(["is_key_customer"])
        self.env["ir.cron"]._notify_progress(done=len(current), remaining=0)
        return True
