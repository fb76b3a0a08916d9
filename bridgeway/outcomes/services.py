"""Writes of the outcomes app: per-diems, reflections (de-identified on the way in), coding,
the codebook, data coverage and program wards. Each is atomic and writes its audit event in
the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation, ProgramSite, Ward

from . import feedback
from .models import (
    Codebook,
    DataCoverage,
    DataSource,
    Descriptor,
    Excerpt,
    PerDiem,
    ProgramWard,
    Reflection,
    Subtheme,
    Theme,
    WardAssignment,
)
from .selectors import AUDIT_CATEGORY


@transaction.atomic
def per_diem_set(*, actor: Actor, hospital: Organisation, ward_type: str, amount: Decimal,
                 source: str = "") -> PerDiem:
    per_diem, _ = PerDiem.objects.update_or_create(
        hospital=hospital, ward_type=ward_type,
        defaults={"amount": amount, "source": source, "updated_by": actor.user})
    record(who=actor.who, category=AUDIT_CATEGORY, action="set_per_diem",
           detail=f"per_diem:{per_diem.public_id}")
    return per_diem


@transaction.atomic
def reflection_record(*, actor: Actor, site: ProgramSite, respondent_role: str,
                      timepoint_months: int, collected_on: date,
                      texts: dict[str, str]) -> Reflection:
    """Record a reflection; only de-identified excerpts are stored (one per line)."""
    names = feedback.name_pattern(feedback.known_names())
    reflection = Reflection.objects.create(site=site, respondent_role=respondent_role,
                                           timepoint_months=timepoint_months,
                                           collected_on=collected_on, recorded_by=actor.user)
    excerpts = [Excerpt(reflection=reflection, descriptor=descriptor,
                        text=feedback.deidentify(part, names))
                for descriptor in Descriptor.values
                for part in feedback.split_excerpts(texts.get(descriptor, ""))]
    Excerpt.objects.bulk_create(excerpts)
    record(who=actor.who, category=AUDIT_CATEGORY, action="record_reflection",
           detail=f"reflection:{reflection.public_id}")
    return reflection


@transaction.atomic
def excerpt_code(*, actor: Actor, excerpt: Excerpt, subtheme: Subtheme | None,
                 exemplar: bool) -> Excerpt:
    excerpt.subtheme = subtheme
    excerpt.exemplar = exemplar and subtheme is not None
    excerpt.coded_by = actor.user
    excerpt.coded_at = timezone.now()
    excerpt.save(update_fields=["subtheme", "exemplar", "coded_by", "coded_at", "updated_at"])
    record(who=actor.who, category=AUDIT_CATEGORY, action="code_excerpt",
           detail=f"excerpt:{excerpt.public_id}")
    return excerpt


@transaction.atomic
def theme_add(*, actor: Actor, codebook: Codebook, descriptor: str, name: str,
              name_fr: str = "") -> Theme:
    order = codebook.themes.count()
    theme, _ = Theme.objects.get_or_create(codebook=codebook, name=name.strip(),
                                           defaults={"descriptor": descriptor, "order": order,
                                                     "name_fr": name_fr.strip()})
    record(who=actor.who, category=AUDIT_CATEGORY, action="codebook_add_theme",
           detail=f"codebook:{codebook.public_id}")
    return theme


@transaction.atomic
def subtheme_add(*, actor: Actor, theme: Theme, name: str, name_fr: str = "") -> Subtheme:
    sub, _ = Subtheme.objects.get_or_create(theme=theme, name=name.strip(),
                                            defaults={"order": theme.subthemes.count(),
                                                      "name_fr": name_fr.strip()})
    record(who=actor.who, category=AUDIT_CATEGORY, action="codebook_add_subtheme",
           detail=f"codebook:{theme.codebook.public_id}")
    return sub


@transaction.atomic
def coverage_declare(*, actor: Actor, source: str, hospital: Organisation, period_start: date,
                     period_end: date, complete_up_to: date, note: str = "") -> DataCoverage:
    """Declare where one hospital's data from one source are complete (follow-up ends there).

    The one way coverage is written: the Evaluation settings page and the imports (a CSV or
    HL7 ADT load calls it with the period it loaded and `Actor.system("import")`). Raises
    ValidationError when the dates are out of order or the source is unknown.
    """
    if source not in DataSource.values:
        raise ValidationError({"source": _("Unknown data source.")})
    if not period_start <= complete_up_to <= period_end:
        raise ValidationError({"complete_up_to": _(
            "The complete-up-to date must lie within the period of the records.")})
    coverage, _created = DataCoverage.objects.update_or_create(
        source=source, hospital=hospital,
        defaults={"period_start": period_start, "period_end": period_end,
                  "complete_up_to": complete_up_to, "note": note, "updated_by": actor.user})
    record(who=actor.who, category=AUDIT_CATEGORY, action="declare_coverage",
           detail=f"coverage:{coverage.public_id}:{source}:{complete_up_to.isoformat()}")
    return coverage


@transaction.atomic
def program_ward_set(*, actor: Actor, site: ProgramSite, ward: Ward, assignment: str
                     ) -> ProgramWard | None:
    """Declare a ward of the site's hospital a program or comparison ward ("" removes it)."""
    if ward.hospital_id != site.hospital_id:
        raise ValidationError({"ward": _("Choose a ward of this site's hospital.")})
    if assignment and assignment not in WardAssignment.values:
        raise ValidationError({"assignment": _("Unknown assignment.")})
    result: ProgramWard | None = None
    if assignment:
        result, _created = ProgramWard.objects.update_or_create(
            site=site, ward=ward, defaults={"assignment": assignment, "updated_by": actor.user})
    else:
        ProgramWard.objects.filter(site=site, ward=ward).delete()
    record(who=actor.who, category=AUDIT_CATEGORY, action="set_program_ward",
           detail=f"site:{site.code}:ward:{ward.public_id}:{assignment or 'none'}")
    return result
