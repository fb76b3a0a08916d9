"""`bridgeway backup` and `bridgeway restore`: encrypted, checksummed, and the audit chain holds
after a restore into an empty database."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bridgeway.audit.models import AuditEvent, AuditSeal
from bridgeway.audit.writer import SYSTEM, record
from bridgeway.clients.models import Client
from bridgeway.core import backup
from tests import factories as f


def _program() -> None:
    for i in range(3):
        client = f.ClientFactory(given_name=f"Canary{i}", family_name="Backup")
        record(who=SYSTEM, category="identity", action="view", client_public_id=client.public_id)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _empty_database() -> None:
    """Make the database really empty: no tables at all (SQLite: copy an empty one over it)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def test_backup_then_restore_into_an_empty_database_keeps_data_and_chain(tmp_path: Path,
        transactional_db):
    _program()
    _run("audit", "verify")
    target = tmp_path / "nightly.bwbak"
    out = _run("backup", str(target))
    assert "Backup written" in out and target.exists()
    assert Path(f"{target}.sha256").read_text().split()[0]
    body = target.read_bytes()
    assert b"Canary" not in body and b"identity" not in body  # encrypted, not merely packed
    header, _plain = backup.read_backup(target)
    clients, events = Client.objects.count(), AuditEvent.objects.count()

    _empty_database()
    assert _tables() == []
    out = _run("restore", str(target), "--yes")
    assert "Audit chain intact" in out, out
    assert Client.objects.count() == clients
    # Encrypted free text (decision 0020) comes back encrypted, and reads (every method).
    assert set(Client.objects.values_list("safety_notes", flat=True)) == {
        f.ClientFactory.safety_notes}
    with connection.cursor() as cursor:
        cursor.execute("SELECT safety_notes FROM clients_client")
        assert all(row[0].startswith("gAAAAA") for row in cursor.fetchall())
    # Every event of the backup is back; the restore itself is audited after it.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("seq").action == "restore"
    out = _run("audit", "verify", "--head", header.audit_head)
    assert "Audit chain intact" in out


def test_restoring_an_older_backup_is_caught_by_the_head_kept_since(tmp_path: Path,
        transactional_db):
    _program()
    target = tmp_path / "old.bwbak"
    _run("backup", str(target))
    _program()  # more activity after the backup, and a head exported for it
    later = _run("audit", "verify").split("Chain head: ")[1].split()[0]
    _empty_database()
    _run("restore", str(target), "--yes")
    with pytest.raises(CommandError) as caught:
        _run("audit", "verify", "--head", later)
    assert "head" in str(caught.value).lower()


def test_a_changed_byte_or_a_wrong_key_is_refused_before_the_database_is_touched(
        tmp_path: Path, settings, transactional_db):
    _program()
    target = tmp_path / "b.bwbak"
    _run("backup", str(target))
    seals = AuditSeal.objects.count()
    good = target.read_bytes()
    damaged = bytearray(good)
    damaged[-10] ^= 0x01
    target.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="checksum"):
        _run("restore", str(target), "--yes")
    Path(f"{target}.sha256").unlink()  # without the sidecar, the encryption's MAC catches it
    with pytest.raises(CommandError, match="cannot be decrypted"):
        _run("restore", str(target), "--yes")
    target.write_bytes(good)
    settings.BRIDGEWAY_BACKUP_KEYS = {1: "another-backup-key-that-is-long-enough-0001"}
    with pytest.raises(CommandError, match="cannot be decrypted"):
        _run("restore", str(target), "--check")
    assert AuditSeal.objects.count() == seals  # nothing was restored


def test_a_rotated_key_still_opens_old_backups(tmp_path: Path, settings, transactional_db):
    _program()
    target = tmp_path / "r.bwbak"
    _run("backup", str(target))
    old = settings.BRIDGEWAY_BACKUP_KEYS
    settings.BRIDGEWAY_BACKUP_KEYS = {**old, 2: "the-new-backup-key-after-rotation-00000001"}
    assert "checksums match" in _run("restore", str(target), "--check")


def test_restore_asks_for_confirmation(tmp_path: Path,
        transactional_db):
    _program()
    target = tmp_path / "c.bwbak"
    _run("backup", str(target))
    with pytest.raises(CommandError, match="--yes"):
        _run("restore", str(target))


@pytest.mark.postgres
def test_postgresql_backup_uses_pg_dump_and_restores_into_an_empty_database(tmp_path: Path,
        transactional_db):
    assert connection.vendor == "postgresql"
    assert backup.method_for() == "pg_dump"
    test_backup_then_restore_into_an_empty_database_keeps_data_and_chain(tmp_path, None)


@pytest.mark.postgres
def test_postgresql_fallback_without_pg_dump_uses_dumpdata(tmp_path: Path, monkeypatch,
                                                          transactional_db):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    assert backup.method_for() == "dumpdata"
    test_backup_then_restore_into_an_empty_database_keeps_data_and_chain(tmp_path, None)
