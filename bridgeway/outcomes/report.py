"""The program report as a PDF (reportlab, charts drawn with matplotlib): aggregates only,
the same suppressed figures as the dashboard written by the same functions
(outcomes.formatting), assumptions and per-diems printed on it."""

from __future__ import annotations

import io
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

import matplotlib.pyplot as plt  # noqa: E402 — after matplotlib.use('Agg'), which must come first
import pandas as pd  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from django.utils import timezone  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from django.utils.translation import gettext as _  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from reportlab.lib import colors  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from reportlab.lib.pagesizes import letter  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from reportlab.lib.units import inch  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from reportlab.platypus import (  # noqa: E402 — after matplotlib.use('Agg'), which must come first
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bridgeway.core.models import Ward  # noqa: E402 — after matplotlib.use('Agg'), which must come first

from . import charts, labels  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from .analysis import Evaluation  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from .assumptions import ASSUMPTIONS  # noqa: E402 — after matplotlib.use('Agg'), which must come first
from .formatting import count, estimate, number, p_value, percent  # noqa: E402 — after matplotlib.use('Agg'), which must come first


def _figure(fig: Any) -> Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    buf.seek(0)
    return Image(buf, width=6.2 * inch, height=2.9 * inch)


def km_chart(ev: Evaluation) -> Image:
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for curve, color in zip(ev.km, ("#1f6feb", "#d97706"), strict=False):
        if not curve["times"]:
            continue
        nan = float("nan")
        ax.step(curve["times"], [nan if v is None else v for v in curve["survival"]],
                where="post", color=color, label=f"{curve['label']} (n={count(curve['n'])})")
        ax.fill_between(curve["times"], [nan if v is None else v for v in curve["low"]],
                        [nan if v is None else v for v in curve["high"]], step="post",
                        alpha=0.15, color=color)
    ax.set_xlabel(_("Days since discharge"))
    ax.set_ylabel(_("Not readmitted"))
    ax.set_ylim(0, 1.02)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left")
    return _figure(fig)


def its_chart(its: dict[str, Any], series: str = "median_los", months_since: bool = False) -> Image:
    data = its["series"][series]
    x = list(range(len(its["months"])))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(x, [v if v is not None else float("nan") for v in data["values"]], "o", ms=3,
            color="#374151", label=_("Observed"))
    if data["fitted"]:
        k = its["start_index"]
        ax.plot(x[:k], data["fitted"][:k], color="#1f6feb", label=_("Segmented fit"))
        ax.plot(x[k:], data["fitted"][k:], color="#1f6feb")
        ax.plot(x[k:], data["counterfactual"][k:], "--", color="#d97706",
                label=_("Counterfactual (pre-program trend)"))
    ax.axvline(its["start_index"] - 0.5, color="#9ca3af", lw=1)
    step = max(1, len(x) // 10)
    ax.set_xticks(x[::step], its["months"][::step], rotation=45, fontsize=7)
    ax.set_ylabel(charts.labels()[series])
    if months_since:
        ax.set_xlabel(_("Months since the program started"))
    ax.legend(fontsize=7)
    return _figure(fig)


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Table:
    """A table whose cells wrap (long labels and intervals would otherwise run off the page)."""
    style = getSampleStyleSheet()["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = style.clone("head", fontName="Helvetica-Bold")
    cells = [[Paragraph(escape(str(c)), head if i == 0 else style) for c in row]
             for i, row in enumerate(rows)]
    t = Table(cells, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9ca3af")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def _headline_rows(ev: Evaluation) -> list[list[str]]:
    hl, f = ev.headline, ev.filters
    rd, los = hl["readmit"], hl["los"]

    def arm(a: dict[str, Any]) -> str:
        base = f"{count(a['events'])}/{count(a['n'])}"
        return base if a["rate"] is None else f"{base} = {percent(a['rate'])}"

    rows = [
        [_("Measure"), _("Program"), _("Comparison"), _("Crude difference (95% CI)"),
         _("Adjusted difference (95% CI)"), _("Adjusted ratio (95% CI)")],
        [_("Clients"), count(hl["n_program"]), count(hl["n_comparison"]), "", "", ""],
        [_("Readmitted within %(n)s days") % {"n": f.window}, arm(rd["program"]),
         arm(rd["comparison"]), estimate(rd["crude"], "pts"), estimate(rd["adjusted"], "pts"),
         estimate(rd["ratio"], "num", 2)],
        [_("Length of stay, days: mean (median)"),
         f"{number(los['program_mean'])} ({number(los['program_median'], 0)})",
         f"{number(los['comparison_mean'])} ({number(los['comparison_median'], 0)})",
         estimate(los["crude"]), estimate(los["adjusted"]),
         estimate(los["geometric_ratio"], "num", 2)],
    ]
    for key, label, digits in charts.continuous_rows():
        m = hl[key]
        rows.append([label, number(m["program_mean"], digits), number(m["comparison_mean"], digits),
                     estimate(m["crude"], "num", digits), estimate(m["adjusted"], "num", digits), ""])
    cox = hl["cox"]
    rows.append([_("Hazard ratio of readmission (Cox, stratified by site, clustered by ward)"),
                 "", "", "", estimate(cox["hazard_ratio"], "num", 2) if cox else "–",
                 (_("PH check %(p)s") % {"p": p_value(cox["ph_p_value"])}) if cox else ""])
    rows.append([_("Log-rank test"), "", "",
                 p_value(hl["logrank"]["p_value"]) if hl["logrank"] else "–", "", ""])
    return rows


def _its_story(ev: Evaluation, h: Any, p: Any) -> list[Any]:
    story: list[Any] = [Paragraph(_("Interrupted time series"), h)]
    names = {s.id: s.name for s in ev.filters.scope}
    for block in charts.its_blocks(ev, names):
        b = block["block"]
        story.append(Paragraph(str(block["title"]), p))
        for series in ("median_los", "readmit_rate"):
            s = b["series"][series]
            if not s["fitted"]:
                story.append(Paragraph(_("Too few months on one side of the start to fit."), p))
                break
            kind = "pts" if series == "readmit_rate" else "num"
            story += [its_chart(b, series, months_since=block["pooled"]), Paragraph(
                _("%(series)s: level change %(l)s; slope change per month %(s)s (AR(1) errors, "
                  "95%% CI).") % {"series": charts.labels()[series],
                                  "l": estimate(s["level_change"], kind),
                                  "s": estimate(s["slope_change"], kind, 2)}, p)]
    return story


AGGREGATE_HEADINGS = {
    "site": _lazy("Site"), "ward_type": _lazy("Ward type"), "arm": _lazy("Group"),
    "clients": _lazy("Clients"), "readmitted": _lazy("Readmitted"),
    "followed": _lazy("Followed 30 days"), "readmission_rate": _lazy("Readmission rate"),
    "mean_los": _lazy("Mean length of stay"), "mean_bed_days_year": _lazy("Bed-days, year after"),
    "ed_visits_year": _lazy("ED visits, year after"),
}


def _aggregate_rows(aggregates: pd.DataFrame) -> list[list[str]]:
    """The counts table in words: headings and groups named, never their codes."""
    heads = [str(AGGREGATE_HEADINGS.get(c, c)) for c in aggregates.columns]
    rows = []
    for record in aggregates.to_dict("records"):
        if "arm" in record:
            record["arm"] = labels.ARMS.get(record["arm"], record["arm"])
        if "ward_type" in record:
            kind = str(record["ward_type"] or "")
            record["ward_type"] = dict(Ward.WardType.choices).get(kind, kind) if kind else _("all")
        rows.append([_cell(v) for v in record.values()])
    return [heads, *rows]


def build(ev: Evaluation, aggregates: pd.DataFrame, *, compress: bool = True) -> bytes:
    styles = getSampleStyleSheet()
    # A heading never ends a page: it moves to the next one with what it introduces.
    h = ParagraphStyle("heading", parent=styles["Heading2"], keepWithNext=1)
    p = styles["BodyText"]
    f = ev.filters
    r = ev.results
    sites = ", ".join(s.name for s in f.sites)
    groups = r["groups"]
    story: list[Any] = [
        Paragraph(_("Bridgeway program report"), styles["Title"]),
        Paragraph(_("Sites: %(sites)s. Index stays admitted %(start)s to %(end)s; data end "
                    "%(cut)s; generated %(now)s.") % {
                        "sites": sites, "start": f.start, "end": f.end, "cut": ev.stays_end,
                        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, p),
        Paragraph(_("Comparison: %(c)s. Program clients: %(s)s. Ward type: %(w)s.")
                  % {"c": labels.ARMS.get(f.comparison, f.comparison), "s": f.subgroup,
                     "w": f.ward_type or _("all")}, p),
        Paragraph(_("Groups: program %(p)s, usual care %(u)s (of whom %(x)s referred at a later "
                    "stay), before %(b)s; stays straddling the start, shown apart: %(s)s.") % {
                        "p": count(groups["program"]), "u": count(groups["usual_care"]),
                        "x": count(groups["crossovers"]), "b": count(groups["before"]),
                        "s": count(groups["straddling"])}, p),
        Spacer(1, 8), Paragraph(_("Outcomes"), h),
        _table(_headline_rows(ev), [1.9 * inch, 0.9 * inch, 0.9 * inch, 1.2 * inch, 1.2 * inch,
                                    1.0 * inch]),
        Spacer(1, 8), Paragraph(_("Time to readmission (Kaplan–Meier, 95% bands)"), h),
        km_chart(ev),
    ]
    story += _its_story(ev, h, p)
    fc = ev.fidelity_components
    story += [Paragraph(_("Fidelity (degree of intervention received)"), h),
              _table([[_("Component"), _("Share met"), _("Known for")]]
                     + [[c["label"], percent(c["rate"]), count(c["known"])]
                        for c in fc["components"]]
                     + [[_("Mean score"), percent(fc["score"]), count(fc["n"])]],
                     [3.6 * inch, 1.2 * inch, 1.2 * inch])]
    story += [Paragraph(_("Counts by site, ward type and group (cells under %(t)s suppressed, "
                          "with complementary suppression)") % {"t": ev.threshold}, h),
              _table(_aggregate_rows(aggregates))]
    q = r["quality"]
    story += [Paragraph(_("Data quality"), h),
              _table([[_("Record check"), _("Count")]]
                     + [[str(labels.RECORDS.get(k, k)), count(v)] for k, v in q["records"].items()]
                     + [[f"{labels.MEASURES.get(x['measure'], x['measure'])}: "
                         f"{labels.REASONS.get(x['reason'], x['reason'])}", count(x["rows"])]
                        for x in q["exclusions"]], [5.0 * inch, 1.0 * inch])]
    story += [Paragraph(_("Per-diems used"), h),
              _table([[_("Hospital"), _("Ward type"), _("CAD per bed-day"), _("Source")]]
                     + [[r_["hospital"], r_["ward_type"], number(r_["amount"], 2), r_["source"]]
                        for r_ in ev.per_diems])]
    story += [Paragraph(_("Assumptions"), h)] + [Paragraph("• " + str(a), p) for a in ASSUMPTIONS]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=letter, title=str(_("Bridgeway program report")),
                      leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                      pageCompression=1 if compress else 0).build(story)
    return buf.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return number(value, 2)
    return count(value) if isinstance(value, int) else str(value if value is not None else "–")
