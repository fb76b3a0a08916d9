"""Outcome measures split into client ranges on parallel PostgreSQL connections."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from bridgeway.clients.models import HospitalStay
from bridgeway.outcomes import measures, postgres
from tests.conftest import World

from .test_measures import CUT


def test_client_ranges_cover_every_id_once() -> None:
    ranges = postgres.client_ranges(5, 104, 3)
    assert ranges == [(4, 37), (37, 70), (70, 104)]
    covered = [i for lo, hi in ranges for i in range(lo + 1, hi + 1)]
    assert covered == list(range(5, 105))
    assert postgres.client_ranges(7, 8, 4) == [(6, 7), (7, 8)]  # never an empty range


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_ranges_give_the_same_measures_as_one_statement(
        world: World, program_data: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert connection.vendor == "postgresql"
    settings.BRIDGEWAY_OUTCOMES_WORKERS = 3
    settings.BRIDGEWAY_OUTCOMES_PARALLEL_MIN_STAYS = 0
    with connection.cursor() as cursor:  # the split reads the planner's row estimate
        cursor.execute(f"ANALYZE {HospitalStay._meta.db_table}")
    ranges: list[str] = []
    run_range = postgres._run_range

    def counted(params: dict[str, Any], snapshot: str, sql: str) -> Any:
        ranges.append(snapshot)
        return run_range(params, snapshot, sql)

    monkeypatch.setattr(postgres, "_run_range", counted)
    parallel = measures.compute(cutoff=CUT)
    assert len(ranges) == 2 and ranges[0] == ranges[1]  # two more connections, one snapshot
    with transaction.atomic():  # inside a transaction: one statement on this connection
        single = measures.compute(cutoff=CUT)
    assert len(ranges) == 2
    assert len(parallel) == len(single) > 36
    assert parallel.dtypes.to_dict() == single.dtypes.to_dict()
    left = parallel.sort_values("stay_id").reset_index(drop=True)
    right = single.sort_values("stay_id").reset_index(drop=True)
    assert left.equals(right)
    site_only = measures.compute(cutoff=CUT, site_ids=[world.site_b.id])
    assert site_only.empty and list(site_only.columns) == measures.COLUMNS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_range_falls_back_to_one_statement(
        world: World, program_data: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import psycopg

    settings.BRIDGEWAY_OUTCOMES_WORKERS = 2
    settings.BRIDGEWAY_OUTCOMES_PARALLEL_MIN_STAYS = 0
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {HospitalStay._meta.db_table}")

    def no_connection_left(params: dict[str, Any], snapshot: str, sql: str) -> Any:
        raise psycopg.OperationalError("sorry, too many clients already")

    monkeypatch.setattr(postgres, "_run_range", no_connection_left)
    frame = measures.compute(cutoff=CUT)
    with transaction.atomic():
        single = measures.compute(cutoff=CUT)
    assert frame.sort_values("stay_id").reset_index(drop=True).equals(
        single.sort_values("stay_id").reset_index(drop=True))
    assert "parallel ranges failed (OperationalError)" in caplog.text
    assert not connection.in_atomic_block
