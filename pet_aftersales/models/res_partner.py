from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    pet_ids = fields.One2many("pet.profile", "partner_id", string="Pets")
    pet_count = fields.Integer(compute="_compute_pet_count")
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
        help="High-value customer: call-backs by a named agent and priority "
        "handling.",
    )
    csat_average = fields.Float(
        string="Average Satisfaction",
        readonly=True,
        help="Average satisfaction score (0-100) of the customer's surveyed " "cases.",
    )

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

    def _compute_pet_count(self):
        counts = dict(
            self.env["pet.profile"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.pet_count = counts.get(partner, 0)

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
