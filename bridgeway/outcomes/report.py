"""The program report as a PDF (reportlab, charts drawn with matplotlib): aggregates only,
small cells suppressed, assumptions and per-diems printed on it."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .analysis import Evaluation  # noqa: E402
from .measures import ASSUMPTIONS  # noqa: E402


def _pct(v: Any) -> str:
    return "–" if v is None else f"{100 * float(v):.1f}%"


def _num(v: Any, digits: int = 1) -> str:
    return "–" if v is None else f"{float(v):,.{digits}f}"


def _ci(e: dict[str, Any] | None, pct: bool = False, digits: int = 1) -> str:
    if not e or e.get("value") is None:
        return "–"
    f = _pct if pct else (lambda x: _num(x, digits))
    return f"{f(e['value'])} ({f(e['low'])} to {f(e['high'])})"


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
        ax.step(curve["times"], curve["survival"], where="post", color=color,
                label=f"{curve['label']} (n={curve['n']})")
        ax.fill_between(curve["times"], curve["low"], curve["high"], step="post", alpha=0.15,
                        color=color)
    ax.set_xlabel(_("Days since discharge"))
    ax.set_ylabel(_("Not readmitted"))
    ax.set_ylim(0, 1.02)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left")
    return _figure(fig)


def its_chart(its: dict[str, Any], series: str = "median_los") -> Image:
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
    ax.set_ylabel(_("Median length of stay (days)"))
    ax.legend(fontsize=7)
    return _figure(fig)


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9ca3af")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def build(ev: Evaluation, aggregates: pd.DataFrame, *, compress: bool = True) -> bytes:
    styles = getSampleStyleSheet()
    h, p = styles["Heading2"], styles["BodyText"]
    f = ev.filters
    sites = ", ".join(s.name for s in f.sites)
    hl = ev.headline
    story: list[Any] = [
        Paragraph(_("Bridgeway program report"), styles["Title"]),
        Paragraph(_("Sites: %(sites)s. Discharges %(start)s to %(end)s; data cut-off %(cut)s; "
                    "generated %(now)s.") % {"sites": sites, "start": f.start, "end": f.end,
                                             "cut": f.cutoff,
                                             "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
                  p),
        Paragraph(_("Comparison: %(c)s. Program clients: %(s)s. Ward type: %(w)s.")
                  % {"c": f.comparison, "s": f.subgroup, "w": f.ward_type or _("all")}, p),
        Spacer(1, 8), Paragraph(_("Outcomes"), h),
        _table([
            [_("Measure"), _("Program"), _("Comparison"), _("Difference (95% CI)")],
            [_("Clients"), str(hl["n_program"]), str(hl["n_comparison"]), ""],
            [_("Readmitted within %(n)s days") % {"n": f.window},
             _pct(hl["readmit_program"]["rate"]), _pct(hl["readmit_comparison"]["rate"]),
             _ci(hl["readmit_difference"], pct=True)],
            [_("Mean length of stay (days)"), _num(hl["los_program"]),
             _num(hl["los_comparison"]), _ci(hl["los_difference"])],
            [_("Bed-days in the year after discharge"), "", "", _ci(hl["bed_days_difference"])],
            [_("Cost per client (CAD)"), _num(hl["cost_program"], 0),
             _num(hl["cost_comparison"], 0), _ci(hl["cost_difference"], digits=0)],
            [_("Mental-health ED visits after discharge"), _num(hl["ed_program"], 2),
             _num(hl["ed_comparison"], 2), ""],
            [_("Days in the community"), _num(hl["community_program"]),
             _num(hl["community_comparison"]), ""],
            [_("Hazard ratio of readmission (Cox, adjusted)"), "", "",
             _ci(hl["cox"]["hazard_ratio"], digits=2) if hl["cox"] else "–"],
            [_("Log-rank p"), "", "", _num(hl["logrank"]["p_value"], 4)],
        ], [2.6 * inch, 1 * inch, 1 * inch, 2 * inch]),
        Spacer(1, 8), Paragraph(_("Time to readmission (Kaplan–Meier, 95% bands)"), h),
        km_chart(ev),
    ]
    for its in ev.its:
        story += [Paragraph(_("Interrupted time series: %(site)s") % {"site": its["site"]}, h)]
        s = its["series"]["median_los"]
        if s["fitted"]:
            story += [its_chart(its), Paragraph(
                _("Level change at program start: %(l)s days; slope change: %(s)s days/month "
                  "(Newey–West 95%% CI).") % {"l": _ci(s["level_change"]),
                                              "s": _ci(s["slope_change"], digits=2)}, p)]
        else:
            story.append(Paragraph(_("Too few months on one side of the start to fit."), p))
    fc = ev.fidelity_components
    story += [Paragraph(_("Fidelity (degree of intervention received)"), h),
              _table([[_("Component"), _("Share met"), _("Known for")]]
                     + [[c["label"], _pct(c["rate"]), str(c["known"])] for c in fc["components"]]
                     + [[_("Mean score"), _pct(fc["score"]), str(fc["n"])]],
                     [3.6 * inch, 1.2 * inch, 1.2 * inch])]
    story += [Paragraph(_("Counts by site, ward type and arm (cells under 5 suppressed)"), h),
              _table([list(aggregates.columns)] + [[str(v) for v in r] for r in
                                                   aggregates.itertuples(index=False)])]
    story += [Paragraph(_("Per-diems used"), h),
              _table([[_("Hospital"), _("Ward type"), _("CAD per bed-day"), _("Source")]]
                     + [[r["hospital"], r["ward_type"], _num(r["amount"], 2), r["source"]]
                        for r in ev.per_diems])]
    story += [Paragraph(_("Assumptions"), h)] + [Paragraph("• " + str(a), p) for a in ASSUMPTIONS]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=letter, title=str(_("Bridgeway program report")),
                      leftMargin=0.7 * inch, rightMargin=0.7 * inch,
                      pageCompression=1 if compress else 0).build(story)
    return buf.getvalue()
