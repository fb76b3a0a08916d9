"""The foundation step of the demo program: places, people, stays, enrolments, consents, matches.

Synthetic and deterministic: every choice is drawn from `ctx.rng` and every date is relative
to `ctx.today`, so one seed on one day always gives the same program. Nothing here describes a
real person; names come from the lists in `bridgeway.demo.reference`.

Shaped like the program in the paper (nine Ontario hospitals, seven peer organisations, 66
peer supporters, hundreds of clients over two years) plus the people of SCENARIOS.md: Priya,
Sam, Jordan, Daniel, Maya, Alex, Lee. A bulk path (docs/dev/demo-data.md says which invariants
it keeps and why it may): two years of history cannot go through services that stamp "now",
and thousands of audited calls would take minutes; `run_demo` writes one summary audit event.

Leaves in `ctx.data`: "sites", "hospitals", "peer_organisations", "wards", "supporters",
"clients", "enrolments", "stays", "matches", "personas" (role -> User: coordinator, site_lead,
supporter, ward_staff, evaluator, admin), "coordinators" and "site_leads" (site code -> User),
"daniel", "maya" (Client), "scenario_supporters" (jordan, alex, maya_supporter ->
SupporterProfile).
"""

from __future__ import annotations

from bridgeway.demo.context import DemoContext

from .paths import PathsMixin
from .people import PeopleMixin
from .scenarios import ScenarioMixin
from .write import WriteMixin


class Builder(PeopleMixin, PathsMixin, ScenarioMixin, WriteMixin):
    """The whole foundation step; each part lives in its own module."""


def generate(ctx: DemoContext) -> None:
    builder = Builder(ctx)
    ctx.progress("clients: reference data", 0, 5)
    builder.reference()
    builder.organisations()
    ctx.progress("clients: accounts", 1, 5)
    builder.accounts()
    builder.scenario_supporters()
    builder.supporters()
    ctx.progress("clients: planning", 2, 5)
    builder.clients()
    builder.scenario_clients()
    builder.write_people()
    builder.write_clients()
    builder.publish()
