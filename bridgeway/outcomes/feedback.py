"""Implementation feedback: the codebook seeded from the seed paper's Table 1, de-identifying
quotes, and the data-analysis matrix (descriptor × theme × subtheme, counts by site, exemplar
quotes) as in Table 1 of the seed paper.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from bridgeway.clients.models import Client
from bridgeway.core.models import ProgramSite, User

from .codebook_fr import TABLE_1_FR
from .models import Codebook, Descriptor, Excerpt, Subtheme, Theme

# Table 1 of the seed paper: descriptor -> theme -> subthemes.
TABLE_1: list[tuple[str, str, list[str]]] = [
    (Descriptor.WORKED_WELL, "Perceived benefits of implementing TDM", [
        "Promoting client autonomy", "Establishing a safety net",
        "Peer support offers hope to clients", "Reducing readmissions and the cost of healthcare",
        "Ensuring consistent presence"]),
    (Descriptor.WORKED_WELL, "Roles of peer supporters", [
        "Helping clients to build their capacity and develop a routine",
        "Attending regular on-ward and community meetings",
        "Accompanying clients to appointments",
        "Working with clients to develop and to set goals"]),
    (Descriptor.WORKED_WELL, "Overall experience of involvement in TDM", [
        "Peer support is fulfilling", "TDM as a different and exciting model",
        "Fostering own recovery"]),
    (Descriptor.NOT_SO_WELL, "Hindrances to the involvement of peer supporters", [
        "Lack of understanding and appreciation of peer support roles",
        "Issues with matching peer supporter to clients", "Issues of stigma",
        "Concerns about personal safety and vulnerability", "Fear of thinking about own triggers",
        "Clients dropping out of the peer support program"]),
    (Descriptor.SUGGESTIONS, "Strategies for effective involvement of peer supporters", [
        "Dealing with matching issues", "Clarifying peer supporters' roles",
        "Improving communication", "Providing appropriate training",
        "Bending information sharing rules"]),
]


def seed_codebook(codebook: Codebook) -> None:
    """Add Table 1's themes and subthemes to an (empty) codebook."""
    for t_order, (descriptor, theme_name, subthemes) in enumerate(TABLE_1):
        theme, _ = Theme.objects.get_or_create(
            codebook=codebook, name=theme_name,
            defaults={"descriptor": descriptor, "order": t_order,
                      "name_fr": TABLE_1_FR.get(theme_name, "")})
        Subtheme.objects.bulk_create(
            [Subtheme(theme=theme, name=name, name_fr=TABLE_1_FR.get(name, ""), order=i)
             for i, name in enumerate(subthemes)],
            ignore_conflicts=True)


def codebook_for(site: ProgramSite | None) -> Codebook:
    """The site's own codebook if it has one, else the program-wide one (seeded on first use)."""
    if site is not None:
        own = Codebook.objects.filter(site=site).first()
        if own is not None:
            return own
    book = Codebook.objects.filter(site__isnull=True).order_by("id").first()
    if book is None:
        book = Codebook.objects.create(name="TDM implementation (seed paper, Table 1)")
        seed_codebook(book)
    return book


# --- de-identification -------------------------------------------------------------------

PHONE = re.compile(r"(?<!\w)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Ontario health card: 10 digits (often 4-3-3) with an optional two-letter version code.
HEALTH_CARD = re.compile(r"(?<!\w)\d{4}[\s-]?\d{3}[\s-]?\d{3}(?:[\s-]?[A-Za-z]{2})?(?!\w)")
MIN_NAME_LENGTH = 2


def known_names() -> set[str]:
    """Given and family names of every client and every user (supporters, staff) on record."""
    names: set[str] = set()
    for given, family in Client.objects.values_list("given_name", "family_name").iterator():
        names.update((given, family))
    for first, last in User.objects.values_list("first_name", "last_name").iterator():
        names.update((first, last))
    return {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH}


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    parts = sorted({re.escape(n) for n in names}, key=len, reverse=True)
    if not parts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def deidentify(text: str, names: re.Pattern[str] | None) -> str:
    """Remove emails, phone and health card numbers, and names of people known to Bridgeway."""
    out = EMAIL.sub("[email]", text)
    out = HEALTH_CARD.sub("[health card]", out)
    out = PHONE.sub("[phone]", out)
    if names is not None:
        out = names.sub("[name]", out)
    return out


def split_excerpts(text: str) -> list[str]:
    """One excerpt per paragraph (blank line or line break separates them)."""
    return [p.strip() for p in re.split(r"\n\s*\n|\r?\n", text or "") if p.strip()]


# --- the data-analysis matrix -------------------------------------------------------------

EXEMPLARS_PER_SUBTHEME = 2


@dataclass
class MatrixRow:
    descriptor: str
    descriptor_label: str
    theme: str
    subtheme: str
    counts: dict[str, int] = field(default_factory=dict)  # site code -> excerpts coded
    total: int = 0
    exemplars: list[str] = field(default_factory=list)


def matrix(codebook: Codebook, excerpts: QuerySet[Excerpt], sites: list[ProgramSite]
           ) -> list[MatrixRow]:
    """Every subtheme of the codebook with its excerpt counts per site and exemplar quotes."""
    labels = dict(Descriptor.choices)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    quotes: dict[int, list[tuple[bool, str]]] = defaultdict(list)
    for sub_id, code, text, exemplar in excerpts.filter(subtheme__isnull=False).values_list(
            "subtheme_id", "reflection__site__code", "text", "exemplar").order_by("-exemplar", "id"):
        counts[sub_id][code] += 1
        quotes[sub_id].append((exemplar, text))
    rows = []
    for sub in Subtheme.objects.filter(theme__codebook=codebook).select_related("theme").order_by(
            "theme__order", "theme__id", "order", "id"):
        by_site = {s.code: counts[sub.id].get(s.code, 0) for s in sites}
        rows.append(MatrixRow(
            descriptor=sub.theme.descriptor, descriptor_label=str(labels[sub.theme.descriptor]),
            theme=sub.theme.label, subtheme=sub.label, counts=by_site,
            total=sum(by_site.values()),
            exemplars=[t for _, t in quotes[sub.id][:EXEMPLARS_PER_SUBTHEME]]))
    order = [d.value for d in Descriptor]
    rows.sort(key=lambda r: order.index(r.descriptor))
    return rows
