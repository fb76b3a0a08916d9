"""The migrations of decision 0020 encrypt the free text already stored, in batches, and give
it back in plain when reversed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bridgeway.clients.models import Client
from bridgeway.core import encrypted_rows

NOTES = "Panics on buses; prefers walking to appointments — ask about Élise"


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def raw_values(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608 — test-only, fixed names
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_existing_background_and_safety_notes_are_encrypted_and_decrypted_back(monkeypatch) -> None:
    monkeypatch.setattr(encrypted_rows, "BATCH", 2)  # several batches with a handful of rows
    before = [("clients", "0004_health_card_encrypted")]
    migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        OldClient = old.get_model("clients", "Client")  # noqa: N806 — a model class
        for n in range(5):
            OldClient.objects.create(given_name=f"P{n}", family_name="Test", gender="man",
                                     date_of_birth="1980-01-01", safety_notes=f"{NOTES} {n}",
                                     background="" if n == 3 else "Loves chess")
        assert raw_values("clients_client", "safety_notes")[0] == f"{NOTES} 0"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    stored = raw_values("clients_client", "safety_notes") + raw_values("clients_client",
                                                                       "background")
    assert not any("Élise" in v or "chess" in v for v in stored)
    assert "" in stored  # an empty background stays empty
    assert sorted(Client.objects.values_list("safety_notes", flat=True)) == \
        [f"{NOTES} {n}" for n in range(5)]

    migrate(before)  # reversed: the plain text comes back
    try:
        assert raw_values("clients_client", "safety_notes")[4] == f"{NOTES} 4"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_migrations_encrypt_and_decrypt_back(monkeypatch) -> None:
    assert connection.vendor == "postgresql"
    test_existing_background_and_safety_notes_are_encrypted_and_decrypted_back(monkeypatch)
