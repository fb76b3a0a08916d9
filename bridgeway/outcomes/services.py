"""Writes of the outcomes app: per-diems, reflections (de-identified on the way in), coding,
the codebook. Each is atomic and writes its audit event in the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation, ProgramSite

from . import feedback
from .models import Codebook, Descriptor, Excerpt, PerDiem, Reflection, Subtheme, Theme
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
def theme_add(*, actor: Actor, codebook: Codebook, descriptor: str, name: str) -> Theme:
    order = codebook.themes.count()
    theme, _ = Theme.objects.get_or_create(codebook=codebook, name=name.strip(),
                                           defaults={"descriptor": descriptor, "order": order})
    record(who=actor.who, category=AUDIT_CATEGORY, action="codebook_add_theme",
           detail=f"codebook:{codebook.public_id}")
    return theme


@transaction.atomic
def subtheme_add(*, actor: Actor, theme: Theme, name: str) -> Subtheme:
    sub, _ = Subtheme.objects.get_or_create(theme=theme, name=name.strip(),
                                            defaults={"order": theme.subthemes.count()})
    record(who=actor.who, category=AUDIT_CATEGORY, action="codebook_add_subtheme",
           detail=f"codebook:{theme.codebook.public_id}")
    return sub
