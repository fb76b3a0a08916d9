"""Encrypted, checksummed backups of the whole database, and their restore.

A backup file is one line of JSON (format, method, database vendor, time, the SHA-256 of the
plain dump, the audit chain head at the time) followed by the dump encrypted with Fernet
(AES-128-CBC + HMAC-SHA256) under `BRIDGEWAY_BACKUP_KEYS` ("<epoch>:<secret>,…", the highest
epoch encrypts, every epoch decrypts) — not SECRET_KEY, so a leaked web secret does not open
the backups. A `<file>.sha256` beside it lets anyone check the file's
integrity without the key (`sha256sum -c`). Restore checks both checksums before touching the
database, then verifies the audit chain against the head the backup recorded.

Methods, by database:
- SQLite: the sqlite3 online backup API (a consistent copy while the site runs).
- PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean`, when both are on PATH.
- otherwise (PostgreSQL without the client tools): Django's `dumpdata` / `migrate` +
  `loaddata` (slower; content types and permissions are made again by `migrate`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404 — runs pg_dump/pg_restore, fixed arguments, no shell
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from bridgeway.audit.heads import Head, last_exported
from bridgeway.audit.verify import VerifyResult, verify_chain
from bridgeway.audit.writer import SYSTEM, record

FORMAT = "bridgeway-backup/1"


class BackupError(Exception):
    """A backup that cannot be written, read, decrypted or checked (message says which)."""


@dataclass(frozen=True)
class Header:
    method: str
    vendor: str
    created: str
    sha256: str
    audit_head: str

    def line(self) -> bytes:
        return json.dumps({"format": FORMAT, **self.__dict__}, sort_keys=True).encode() + b"\n"


def _fernet() -> MultiFernet:
    """Newest epoch first: it encrypts; every configured epoch decrypts (key rotation)."""
    keys: dict[int, str] = settings.BRIDGEWAY_BACKUP_KEYS
    if not keys:
        raise BackupError("BRIDGEWAY_BACKUP_KEYS holds no key.")
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(
            hmac.new(secret.encode(), b"bridgeway-backup", hashlib.sha256).digest()))
        for _epoch, secret in sorted(keys.items(), reverse=True)])


def method_for(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return "sqlite-backup-api"
    if vendor == "postgresql" and shutil.which("pg_dump") and shutil.which("pg_restore"):
        return "pg_dump"
    return "dumpdata"


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    env = {**os.environ, "PGPASSWORD": conf.get("PASSWORD") or ""}
    args = ["--host", conf.get("HOST") or "localhost", "--port", str(conf.get("PORT") or 5432),
            "--username", conf.get("USER") or "postgres", "--dbname", conf["NAME"]]
    return args, env


def _dump(method: str, alias: str) -> bytes:
    connection = connections[alias]
    if method == "sqlite-backup-api":
        connection.ensure_connection()
        with tempfile.TemporaryDirectory() as tmp:
            target = sqlite3.connect(Path(tmp) / "copy.sqlite3")
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            return (Path(tmp) / "copy.sqlite3").read_bytes()
    if method == "pg_dump":
        args, env = _pg_env(alias)
        done = subprocess.run([shutil.which("pg_dump") or "pg_dump", "--format=custom",  # noqa: S603  # nosec B603 — fixed program and arguments
                               "--no-owner", *args], env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace')[:500]}")
        return done.stdout
    out = io.StringIO()
    # Content types and permissions are made again by `migrate` before `loaddata`: dumped too,
    # they would collide; natural keys let the rows that refer to them find them again.
    # XML, not JSON: Django's JSON encoder cuts times to milliseconds, which would break every
    # audit event's MAC; the XML serialiser keeps microseconds.
    call_command("dumpdata", "--format", "xml", "--natural-foreign", "--natural-primary",
                 "--exclude",
                 "contenttypes", "--exclude", "auth.permission", "--database", alias, stdout=out)
    return out.getvalue().encode()


def backup_create(*, path: Path, alias: str = "default") -> Header:
    """Write an encrypted backup of the database to `path` (and `path.sha256`)."""
    method = method_for(alias)
    record(who=SYSTEM, category="records", action="backup", detail=f"method:{method}")
    # Verify before copying: a backup of a broken trail is refused, and the head it records
    # is the one its restore is checked against. Only the chain since the last exported head
    # is walked, so a nightly backup stays cheap.
    result = verify_chain(head=last_exported(), since_head=True)
    if not result.ok:
        raise BackupError(f"The audit chain is broken ({result.reason}); run `bridgeway audit "
                          "verify` and resolve it before taking a backup.")
    plain = _dump(method, alias)
    header = Header(method=method, vendor=connections[alias].vendor,
                    created=timezone.now().isoformat(timespec="seconds"),
                    sha256=hashlib.sha256(plain).hexdigest(),
                    audit_head=str(result.head) if result.head else "")
    body = header.line() + _fernet().encrypt(plain)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    Path(f"{path}.sha256").write_text(f"{hashlib.sha256(body).hexdigest()}  {path.name}\n",
                                      encoding="utf-8")
    return header


def read_backup(path: Path) -> tuple[Header, bytes]:
    """The header and the decrypted dump, after checking both checksums."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}.") from exc
    sidecar = Path(f"{path}.sha256")
    if sidecar.exists():
        expected = sidecar.read_text(encoding="utf-8").split()[0]
        if hashlib.sha256(body).hexdigest() != expected:
            raise BackupError(f"{path.name} does not match its checksum file: it was changed "
                              "or damaged after it was written.")
    first, _, token = body.partition(b"\n")
    try:
        meta: dict[str, Any] = json.loads(first)
        if meta.pop("format") != FORMAT:
            raise ValueError
        header = Header(**meta)
    except (ValueError, TypeError, KeyError) as exc:
        raise BackupError(f"{path.name} is not a Bridgeway backup.") from exc
    try:
        plain = _fernet().decrypt(token)
    except InvalidToken as exc:
        raise BackupError("The backup cannot be decrypted with BRIDGEWAY_BACKUP_KEYS: wrong key, "
                          "or the file was altered.") from exc
    if hashlib.sha256(plain).hexdigest() != header.sha256:
        raise BackupError("The decrypted backup does not match its SHA-256 checksum.")
    return header, plain


def backup_restore(*, path: Path, alias: str = "default") -> tuple[Header, VerifyResult]:
    """Replace the database with the backup's content, then verify the audit chain against
    the head recorded at backup time. Everything written since the backup is lost."""
    header, plain = read_backup(path)
    if header.method != method_for(alias) and header.method != "dumpdata":
        raise BackupError(f"This backup was made with {header.method} ({header.vendor}); the "
                          f"target database is {connections[alias].vendor}.")
    connection = connections[alias]
    if header.method == "sqlite-backup-api":
        connection.ensure_connection()
        with tempfile.TemporaryDirectory() as tmp:
            source_path = Path(tmp) / "restore.sqlite3"
            source_path.write_bytes(plain)
            source = sqlite3.connect(source_path)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
    elif header.method == "pg_dump":
        args, env = _pg_env(alias)
        connection.close()
        done = subprocess.run([shutil.which("pg_restore") or "pg_restore", "--clean",  # noqa: S603  # nosec B603 — fixed program and arguments
                               "--if-exists", "--no-owner", "--single-transaction", *args],
                              input=plain, env=env, capture_output=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace')[:500]}")
    else:
        call_command("migrate", "--database", alias, verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "restore.xml"
            fixture.write_bytes(plain)
            call_command("loaddata", str(fixture), "--database", alias, verbosity=0)
    head = Head.parse(header.audit_head) if header.audit_head else None
    result = verify_chain(head=head)
    record(who=SYSTEM, category="records", action="restore",
           detail=f"backup:{header.created} ok:{int(result.ok)}")
    return header, result
