"""Peer supporters and their training records.

A program that already has supporters brings them with their sites, languages, interests and
capacity. Unlike the history kinds, each supporter is written through the onboarding services
(`supporters.services.supporter_create` / `supporter_update`): an account is made for each, with
the peer-supporter role, audited as an account made on the page is (decision 0015). No
invitation is sent: the coordinator invites each supporter from their profile when the
program starts. A file of supporters is a few hundred rows, so row-by-row services cost
nothing here.

Training records are written in bulk, like the other history: the expiry is the file's, or
the module's validity counted from completion.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, gettext_noop

from bridgeway.core.choices import Gender
from bridgeway.core.models import Interest, Language, Organisation, ProgramSite
from bridgeway.interop.models import ImportKey
from bridgeway.supporters.models import SupporterProfile, TrainingRecord
from bridgeway.supporters.services import supporter_create, supporter_update

from ..rows import Column, Row, RowError
from ..staging import KEYS, Counts, Stage, Target, key_join, merge
from .base import KEY, Context, Kind, duplicate_keys

User = get_user_model()
USERS = User._meta.db_table
GENDERS = {g.value: g.value for g in Gender}
EMPLOYMENT = {**{e.value: e.value for e in SupporterProfile.Employment}, "remunere": "paid",
              "benevole": "volunteer"}
UI_LANGUAGES = {**{code: code for code, _name in settings.LANGUAGES}, "english": "en",
                "anglais": "en", "french": "fr", "francais": "fr"}
STATUSES = {**{s.value: s.value for s in SupporterProfile.Status}, "actif": "active",
            "en_pause": "paused", "parti": "left"}


def _codes(row: Row, column: str, table: dict[str, int], reason: str) -> list[int]:
    """A list of codes separated by `;` (or `|`), each looked up in `table`."""
    values = [v.strip().lower() for v in row.raw(column).replace("|", ";").split(";")]
    unknown = [v for v in values if v and v not in table]
    if unknown:
        row.error(column, reason + " " + ", ".join(unknown[:5]))
    return sorted({table[v] for v in values if v in table})


def parse_supporter(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    username = row.text("username", required=True, max_length=150)
    given = row.text("given_name", required=True, max_length=150)
    family = row.text("family_name", required=True, max_length=150)
    email = row.text("email", required=True, max_length=254)
    if email and "@" not in email:
        row.error("email", gettext_noop("Not an e-mail address."))
    organisation = row.lookup("organisation", ctx.peer_orgs,
                              gettext_noop("Unknown peer organisation code."))
    sites = _codes(row, "sites", ctx.sites, ctx.t(gettext_noop("Unknown site codes:")))
    if not row.raw("sites"):
        row.error("sites", gettext_noop("A peer supporter serves at least one site."))
    elif organisation is not None and not set(sites) <= ctx.served.get(organisation, set()):
        row.error("sites", gettext_noop("The organisation does not serve every one of these sites."))
    employment = row.choice("employment", EMPLOYMENT, default=SupporterProfile.Employment.VOLUNTEER)
    try:
        hours = Decimal(row.raw("hours_per_week").replace(",", ".") or "0")
    except InvalidOperation:
        row.error("hours_per_week", gettext_noop("Not a number."))
        hours = Decimal(0)
    if not Decimal(0) <= hours <= Decimal(60):
        row.error("hours_per_week", gettext_noop("Must be between %(low)d and %(high)d."),
                  {"low": 0, "high": 60})
    capacity = row.integer("max_active_clients", low=0, high=30, default=3)
    gender = row.choice("gender", GENDERS, default=Gender.UNDISCLOSED)
    languages = _codes(row, "languages", ctx.languages, ctx.t(gettext_noop("Unknown language codes:")))
    interests = _codes(row, "interests", ctx.interests, ctx.t(gettext_noop("Unknown interests:")))
    status = row.choice("status", STATUSES, default=SupporterProfile.Status.ACTIVE)
    speaks = row.choice("preferred_language", UI_LANGUAGES, default=settings.LANGUAGE_CODE[:2])
    return (username, given, family, email, organisation, _ids(sites), employment, str(hours),
            capacity, gender, _ids(languages), _ids(interests), status, speaks)


def _ids(values: list[int]) -> str:
    return ",".join(str(v) for v in values)


def _split(text: str | None) -> list[int]:
    return [int(v) for v in (text or "").split(",") if v]


def check_supporters(stage: Stage, ctx: Context) -> list[RowError]:
    errors = duplicate_keys(stage, ctx)
    rows = stage.query(
        "SELECT s.line, s.username, f.first FROM {stage} s JOIN (SELECT LOWER(username) AS u, "
        "MIN(line) AS first FROM {stage} GROUP BY LOWER(username) HAVING COUNT(*) > 1) f "
        "ON f.u = LOWER(s.username) WHERE s.line > f.first ORDER BY s.line")
    text = ctx.t(gettext_noop("This username is already used on line %(line)s."))
    errors += [RowError(line, "username", name, text % {"line": first})
               for line, name, first in rows]
    # A username held by an account this row does not already stand for.
    rows = stage.query(
        f"SELECT s.line, s.username FROM {{stage}} s JOIN {USERS} u "  # noqa: S608  # nosec B608 — table names from the models, values are parameters
        f"ON LOWER(u.username) = LOWER(s.username) "
        f"LEFT JOIN {KEYS} k ON {key_join('k', 'supporters', 's.key')} "
        f"LEFT JOIN {SupporterProfile._meta.db_table} p ON p.id = k.object_id "
        f"WHERE p.user_id IS NULL OR p.user_id <> u.id ORDER BY s.line", [ctx.source])
    text = ctx.t(gettext_noop("This username belongs to another account."))
    return errors + [RowError(line, "username", name, text) for line, name in rows]


def write_supporters(stage: Stage, ctx: Context) -> Counts:
    counts = Counts()
    known = dict(ImportKey.objects.filter(kind="supporters", source=ctx.source)
                 .values_list("key", "object_id"))
    orgs = Organisation.objects.in_bulk()
    sites, languages, interests = (ProgramSite.objects.in_bulk(), Language.objects.in_bulk(),
                                   Interest.objects.in_bulk())
    for (key, username, given, family, email, org_id, site_ids, employment, hours, capacity,
         gender, language_ids, interest_ids, status, speaks) in stage.query(
            "SELECT key, username, given_name, family_name, email, organisation_id, site_ids, "
            "employment, hours, capacity, gender, language_ids, interest_ids, status, speaks "
            "FROM {stage} ORDER BY line"):
        fields = {"employment": employment, "hours_per_week": Decimal(hours),
                  "max_active_clients": capacity, "gender": gender, "status": status}
        served = [sites[i] for i in _split(site_ids)]
        speaks_ = [languages[i] for i in _split(language_ids)]
        likes = [interests[i] for i in _split(interest_ids)]
        chosen: dict[str, list[Any]] = {"sites": served, "languages": speaks_, "interests": likes}
        try:
            if key in known:
                supporter = SupporterProfile.objects.select_related("user").get(pk=known[key])
                if _same(supporter, fields, chosen, (username, given, family, email)):
                    counts.unchanged += 1
                    continue
                user = supporter.user
                user.username, user.first_name, user.last_name, user.email = (
                    username, given, family, email)
                user.save(update_fields=["username", "first_name", "last_name", "email"])
                supporter_update(actor=ctx.actor, supporter=supporter, fields=fields, sites=served,
                                 languages=speaks_, interests=likes)
                counts.updated += 1
                continue
            supporter = supporter_create(
                actor=ctx.actor, username=username, email=email, first_name=given,
                last_name=family, preferred_language=speaks, organisation=orgs[org_id],
                fields=fields, invite=False, sites=served, languages=speaks_, interests=likes)
        except ValidationError as exc:  # the file's rows were checked; say which one failed
            raise ValidationError(f"{key}: {' '.join(exc.messages)}") from exc
        ImportKey.objects.create(kind="supporters", source=ctx.source, key=key,
                                 object_id=supporter.pk)
        counts.created += 1
    return counts


def _same(supporter: SupporterProfile, fields: dict[str, Any], chosen: dict[str, list[Any]],
          names: tuple[str, str, str, str]) -> bool:
    user = supporter.user
    return ((user.username, user.first_name, user.last_name, user.email) == names
            and all(getattr(supporter, name) == value for name, value in fields.items())
            and all({o.pk for o in getattr(supporter, name).all()} == {o.pk for o in values}
                    for name, values in chosen.items()))


SUPPORTERS_KIND = Kind(
    name="supporters", label=gettext_lazy("Peer supporters"),
    columns=(KEY, Column("username", "nom_utilisateur"), Column("given_name", "prenom"),
             Column("family_name", "nom"), Column("email", "courriel"),
             Column("organisation", "organisme", note="the peer organisation's code"),
             Column("sites", "sites", note="site codes separated by ;"),
             Column("employment", "emploi", required=False, note="paid or volunteer"),
             Column("hours_per_week", "heures_semaine", required=False, note="0 to 60"),
             Column("max_active_clients", "clients_max", required=False,
                    note="0 to 30 (default 3)"),
             Column("gender", "genre", required=False),
             Column("languages", "langues", required=False, note="language codes separated by ;"),
             Column("interests", "interets", required=False, note="interest codes separated by ;"),
             Column("status", "statut", required=False, note="active, paused or left"),
             Column("preferred_language", "langue_preferee", required=False,
                    note="en or fr: the language of their pages and e-mails (default en)")),
    staging=(("username", "text"), ("given_name", "text"), ("family_name", "text"),
             ("email", "text"), ("organisation_id", "int"), ("site_ids", "text"),
             ("employment", "text"), ("hours", "text"), ("capacity", "int"), ("gender", "text"),
             ("language_ids", "text"), ("interest_ids", "text"), ("status", "text"),
             ("speaks", "text")),
    parse=parse_supporter, check=check_supporters, write=write_supporters)


def parse_training(row: Row, ctx: Context) -> tuple[Any, ...] | None:
    supporter = row.lookup("supporter", ctx.supporters, gettext_noop(
        "No peer supporter with this key (from this source) or username."))
    module = row.lookup("module", ctx.modules, gettext_noop("Unknown training module code."))
    completed = row.date("completed_on")
    expires = row.date("expires_on", required=False)
    if completed and completed > ctx.today:
        row.error("completed_on", gettext_noop("This date is in the future."))
    if completed and expires and expires < completed:
        row.error("expires_on", gettext_noop("Expires before it was completed."))
    if completed and expires is None and module is not None and ctx.module_days.get(module):
        expires = completed + timedelta(days=ctx.module_days[module] or 0)
    return (supporter, module, completed, expires)


TRAINING_TARGET = Target(
    model=TrainingRecord, kind="training",
    fields={"supporter_id": "s.supporter_id", "module_id": "s.module_id",
            "completed_on": "s.completed_on", "expires_on": "s.expires_on"})


def write_training(stage: Stage, ctx: Context) -> Counts:
    return merge(stage, TRAINING_TARGET, source=ctx.source, now=ctx.now)


TRAINING_KIND = Kind(
    name="training", label=gettext_lazy("Training records"),
    columns=(KEY, Column("supporter", "pair_aidant",
                         note="the supporter's key in the supporters file, or their username"),
             Column("module", "module", note="the training module's code"),
             Column("completed_on", "date_reussite", note="YYYY-MM-DD"),
             Column("expires_on", "date_expiration", required=False,
                    note="YYYY-MM-DD; default: completion plus the module's validity")),
    staging=(("supporter_id", "int"), ("module_id", "int"), ("completed_on", "date"),
             ("expires_on", "date")),
    parse=parse_training, check=lambda stage, ctx: duplicate_keys(stage, ctx),
    write=write_training)
