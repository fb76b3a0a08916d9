"""The engine's shared data types: who a run considers (`ClientIn`, `SupporterIn`, the `Pool`
of columns), the candidate `Pairs`, and what a soft criterion reads of a site's rules
(`Spans`). They import nothing of the engine but `bits`, so every part of the engine can name
them without importing another part (no cycle: inputs, pairs, rules and soft all point here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .bits import F64, I64, B, Bits


@dataclass(frozen=True)
class ClientIn:
    key: str
    site: str
    site_name: str = ""
    age: int | None = None
    gender: str = "undisclosed"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    pref_gender: str = ""
    pref_gender_strength: str = "none"
    pref_age_min: int | None = None
    pref_age_max: int | None = None
    pref_age_strength: str = "none"
    pref_language: str = ""
    pref_language_strength: str = "none"
    intensive: bool = False
    waiting_days: float = 0.0
    priority: bool = False
    do_not_rematch: frozenset[str] = frozenset()  # supporter keys this client must not get


@dataclass(frozen=True)
class SupporterIn:
    key: str
    sites: frozenset[str]
    active: bool = True
    trained: bool = True
    free_places: int = 1
    free_by_hours: int | None = None  # how many more clients the weekly hours cover
    age: int | None = None
    gender: str = "undisclosed"
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    paid: bool = False


@dataclass
class ClientColumns:
    """One entry per client. Indexes point into the Pool's name lists."""

    key: list[str]
    site: I64  # index into Pool.site_codes
    age: F64  # NaN: unknown
    gender: I64  # index into Pool.gender_names
    gender_disclosed: B  # a gender in KNOWN_GENDERS (same-gender points and phrases)
    languages: Bits
    languages_besides_site: Bits  # without the site's language (sharing it says nothing)
    speaks_any_language: B
    interests: Bits
    availability: Bits
    lat: F64
    lon: F64
    wanted_gender: I64  # index into Pool.gender_names, NO_GENDER when none is named
    wants_gender: B  # preferred or required
    requires_gender: B
    age_min: F64  # NaN: no lower bound
    age_max: F64
    wants_age_range: B  # preferred or required, and a bound is given
    requires_age_range: B
    wanted_language: I64  # bit index into Pool.language_names, -1: none (or strength "none")
    requires_language: B
    intensive: B
    waiting_days: F64
    priority: B  # back after an ended match: counts as waited in full
    wanted_language_name: list[str]  # for the words of an unmatched reason
    wanted_gender_name: list[str]

    def __len__(self) -> int:
        return len(self.key)


@dataclass
class SupporterColumns:
    """One entry per supporter."""

    key: list[str]
    age: F64
    gender: I64
    languages: Bits
    interests: Bits
    availability: Bits
    lat: F64
    lon: F64
    active: B
    trained: B  # holds every training each of their sites requires, valid today
    paid: B
    free_places: I64
    free_by_hours: I64  # -1: unknown (not limited by hours)

    def __len__(self) -> int:
        return len(self.key)


@dataclass
class Pool:
    """Everyone one run considers, as columns in canonical (key) order."""

    clients: ClientColumns
    supporters: SupporterColumns
    # Who serves which site: (site, supporter) index pairs, sorted by site then supporter.
    member_site: I64
    member_supporter: I64
    site_codes: list[str]
    site_names: list[str]
    language_names: list[str]
    interest_names: list[str]
    gender_names: list[str]
    forbidden: I64  # "do not re-match" pairs as sorted codes client * n_supporters + supporter
    # The objects it was encoded from (pure API only; empty when loaded as columns).
    client_objects: list[ClientIn] = field(default_factory=list)
    supporter_objects: list[SupporterIn] = field(default_factory=list)

    @property
    def n_clients(self) -> int:
        return len(self.clients)

    @property
    def n_supporters(self) -> int:
        return len(self.supporters)


@dataclass
class Pairs:
    client: I64  # index into pool.clients
    supporter: I64  # index into pool.supporters
    km: F64  # distance between home-area centroids, NaN when either is unknown

    def __len__(self) -> int:
        return int(self.client.size)

    def take(self, which: I64 | B) -> Pairs:
        """The pairs selected by an index array or a mask (order kept)."""
        return Pairs(self.client[which], self.supporter[which], self.km[which])


class Spans(Protocol):
    """What a soft criterion reads of a site's rules (rules.Criteria has these and more)."""

    @property
    def age_span_years(self) -> float: ...
    @property
    def distance_span_km(self) -> float: ...
    @property
    def waiting_span_days(self) -> float: ...
    @property
    def interests_for_full_points(self) -> int: ...
    @property
    def availability_slots_for_full_points(self) -> int: ...
