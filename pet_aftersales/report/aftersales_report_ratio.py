import re

from odoo import api, models

# "fname", "fname:aggregate" or "alias:aggregate(fname)", as read_group takes them
FIELD_SPEC = re.compile(r"^(?P<alias>\w+)(?::(?P<func>\w+)(?:\((?P<fname>\w+)\))?)?$")


class AftersalesReportRatioMixin(models.AbstractModel):
    """Report measures that are ratios of sums.

    An average over cases or a rate, read from rows that each stand for many
    cases, must be the ratio of the rows' sums (SUM(numerator) * factor /
    SUM(denominator)), not the average or the sum of the rows' own ratios.
    The reports' pivot and graph views read through ``read_group``; the sums
    behind each ratio are stored columns that code on the server can
    aggregate itself.
    """

    _name = "aftersales.report.ratio.mixin"
    _description = "After-sales Report Ratio Measures"

    # measure -> (numerator field, denominator field, factor)
    _aftersales_ratio_measures = {}

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        ratios = self._aftersales_ratio_measures
        wanted = {}  # result key -> ratio measure
        specs = []
        for spec in fields:
            match = FIELD_SPEC.match(spec)
            fname = match and (match["fname"] or match["alias"])
            if fname in ratios:
                wanted[match["alias"]] = fname
            else:
                specs.append(spec)
        if not wanted:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        requested = {FIELD_SPEC.match(spec)["alias"] for spec in specs}
        added = []
        for fname in set(wanted.values()):
            for term in ratios[fname][:2]:
                if term not in requested and term not in added:
                    added.append(term)
        if orderby:
            # a ratio is not a column: the groups are sorted by the rest
            orderby = ",".join(
                term for term in orderby.split(",") if term.split()[0] not in wanted
            )
        groups = super().read_group(
            domain,
            specs + [f"{term}:sum" for term in added],
            groupby,
            offset,
            limit,
            orderby or False,
            lazy,
        )
        for group in groups:
            for key, fname in wanted.items():
                numerator, denominator, factor = ratios[fname]
                total = group.get(denominator)
                group[key] = (
                    (group.get(numerator) or 0.0) * factor / total if total else False
                )
            for term in added:
                group.pop(term, None)
        return groups
