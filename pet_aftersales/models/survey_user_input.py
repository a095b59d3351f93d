from odoo import api, fields, models

from .aftersales_feedback_mixin import DIMENSION_FIELDS


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    aftersales_dimension = fields.Selection(
        [
            ("speed", "Response Speed"),
            ("solution", "Solution"),
            ("attitude", "Service Attitude"),
            ("quality", "Product Quality"),
            ("logistics", "Logistics Speed"),
        ],
        string="After-sales Dimension",
        help="Satisfaction dimension this question rates (1 to 5) on after-sales "
        "cases and returns. Scale questions, or single choices whose answers "
        "score 1 to 5.",
    )


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    aftersales_case_id = fields.Many2one(
        "aftersales.case",
        string="After-sales Case",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    aftersales_rma_id = fields.Many2one(
        "aftersales.rma",
        string="Return",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    def _aftersales_record(self):
        """The case or return this answer belongs to, if it really is its answer.

        An answer only acts on the record that links back to it, so a token
        (or a forged link) of one case never touches another case.
        """
        self.ensure_one()
        record = self.aftersales_case_id or self.aftersales_rma_id
        if record and record.survey_user_input_id == self:
            return record
        return None

    def _aftersales_ratings(self):
        """Dimension -> rating 1-5 from the answered lines."""
        self.ensure_one()
        ratings = {}
        for line in self.user_input_line_ids:
            question = line.question_id
            dimension = question.aftersales_dimension
            if not dimension or line.skipped or dimension not in DIMENSION_FIELDS:
                continue
            if line.answer_type == "scale":
                low, high = question.scale_min, question.scale_max
                if high <= low:
                    continue
                rating = 1 + (line.value_scale - low) * 4.0 / (high - low)
            elif line.answer_type == "suggestion":
                rating = line.suggested_answer_id.answer_score
            else:
                continue
            if rating:
                ratings[dimension] = min(max(round(rating), 1), 5)
        return ratings

    def _aftersales_comment(self):
        self.ensure_one()
        texts = self.user_input_line_ids.filtered(
            lambda line: line.answer_type in ("text_box", "char_box")
            and not line.skipped
        )
        return "\n".join(
            line.value_text_box or line.value_char_box or "" for line in texts
        ).strip()

    def _mark_done(self):
        res = super()._mark_done()
        self._aftersales_process_feedback()
        return res

    @api.model
    def _aftersales_answered(self, user_input):
        return any(not line.skipped for line in user_input.user_input_line_ids)

    def _aftersales_process_feedback(self):
        """Scores, second handling and reward on the linked case or return."""
        for user_input in self.filtered(
            lambda ui: not ui.test_entry
            and (ui.aftersales_case_id or ui.aftersales_rma_id)
        ):
            record = user_input._aftersales_record()
            if not record or not self._aftersales_answered(user_input):
                continue
            record = record.sudo()
            record._aftersales_apply_feedback_scores(
                user_input._aftersales_ratings(),
                channel="survey",
                comment=user_input._aftersales_comment(),
            )
            record._aftersales_grant_feedback_points()
