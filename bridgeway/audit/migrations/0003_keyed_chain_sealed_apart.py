"""The keyed chain sealed apart from the events (decision 0008).

Events lose their in-row hash chain (`prev_hash`, `hash`) and their separate `id`: `seq` becomes
the primary key, taken from the table's sequence, so writers no longer wait for one another.
Each event gains a random nonce, the inserting transaction's id and the writer's HMAC; the new
`audit_auditseal` table holds the keyed chain. Triggers refuse UPDATE and DELETE on all three
tables (the subject index had none).

Before anything changes, the old chain is verified: a trail that was already broken is not
carried into the keyed chain, where its forgeries would be sealed as genuine. Existing rows are
then signed with the current key (the migration is the point where trust is carried over) and
sealed by the first `bridgeway audit seal` or verify after the upgrade.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.db import migrations, models

import bridgeway.audit.models

LEGACY_GENESIS = "0" * 64

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit rows are append-only'; END; $$ LANGUAGE plpgsql;
"""
TABLES = {"event": "audit_auditevent", "subject": "audit_auditsubject", "seal": "audit_auditseal"}


def _legacy_hash(row, prev_hash: str) -> str:  # type: ignore[no-untyped-def]
    """The hash of migration 0001's chain, frozen here (it is never computed again)."""
    fields = {
        "seq": row.seq, "occurred_at": row.occurred_at.isoformat(),
        "actor": str(row.actor_public_id or ""), "username": row.actor_username,
        "role": row.role, "site": row.site_code, "client": str(row.client_public_id or ""),
        "category": row.category, "action": row.action, "outcome": row.outcome,
        "detail": row.detail, "subjects": row.subjects,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def verify_legacy_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    event_model = apps.get_model("audit", "AuditEvent")
    prev, expected, last = LEGACY_GENESIS, 1, 0
    while True:
        batch = list(event_model.objects.filter(seq__gt=last).order_by("seq")[:5000])
        if not batch:
            return
        for row in batch:
            if row.seq != expected or row.prev_hash != prev or _legacy_hash(row, prev) != row.hash:
                raise RuntimeError(
                    f"The audit chain is broken at row {expected} (run `bridgeway audit verify` "
                    "on the previous release for details). Investigate it as a possible breach "
                    "before upgrading: this migration will not seal a tampered trail as genuine.")
            prev, expected, last = row.hash, expected + 1, row.seq


def _triggers(vendor: str, table: str, name: str) -> list[str]:
    if vendor == "postgresql":
        return [f"CREATE TRIGGER audit_{name}_no_update BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only();"]
    return [f"CREATE TRIGGER audit_{name}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
            for verb in ("update", "delete")]


def _drop_triggers(vendor: str, table: str, name: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS audit_{name}_no_update ON {table};"]
    return [f"DROP TRIGGER IF EXISTS audit_{name}_no_{verb};" for verb in ("update", "delete")]


def _replace_triggers(schema_editor, names: list[str], create: bool) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        return
    if vendor == "postgresql" and create:
        schema_editor.execute(PG_FUNCTION)
    for name in names:
        statements = _drop_triggers(vendor, TABLES[name], name)
        if create:
            statements += _triggers(vendor, TABLES[name], name)
        for statement in statements:
            schema_editor.execute(statement)


def lift_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """The rows are rewritten below (subject keys, signatures); the triggers come back last."""
    _replace_triggers(schema_editor, ["event", "subject"], create=False)


def restore_event_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    _replace_triggers(schema_editor, ["event"], create=True)


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    _replace_triggers(schema_editor, ["event", "subject", "seal"], create=True)


def drop_new_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    _replace_triggers(schema_editor, ["subject"], create=False)


def continue_sequence(apps, schema_editor):  # type: ignore[no-untyped-def]
    """New events continue after the last old `seq` (PostgreSQL's new identity starts at 1;
    SQLite's AUTOINCREMENT already follows the highest row)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
            "COALESCE(MAX(seq), 0) + 1, false) FROM audit_auditevent")


def sign_existing_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The live MAC code, not a frozen copy: these rows must verify with the code that runs
    # after the upgrade.
    from bridgeway.audit.keys import event_mac

    event_model = apps.get_model("audit", "AuditEvent")
    last = 0
    while True:
        batch = list(event_model.objects.filter(seq__gt=last).order_by("seq")[:2000])
        if not batch:
            return
        for row in batch:
            row.nonce = uuid.uuid4()
            row.mac_epoch, row.mac = event_mac(row)
        event_model.objects.bulk_update(batch, ["nonce", "mac_epoch", "mac"])
        last = batch[-1].seq


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(verify_legacy_chain, migrations.RunPython.noop),
        migrations.RunPython(lift_triggers, restore_event_triggers),
        # Subject rows pointed at the old `id`; from now on the event's key is `seq`.
        migrations.RunSQL(
            "UPDATE audit_auditsubject SET event_id = (SELECT e.seq FROM audit_auditevent e "
            "WHERE e.id = audit_auditsubject.event_id)", migrations.RunSQL.noop),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.BigIntegerField(primary_key=True, serialize=False)),
                ("event_seq", models.BigIntegerField(unique=True)),
                ("event_xact", models.BigIntegerField()),
                ("epoch", models.PositiveSmallIntegerField()),
                ("prev", models.CharField(max_length=64)),
                ("hmac", models.CharField(max_length=64)),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="id"),
        migrations.AlterField(
            model_name="auditevent", name="seq",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(continue_sequence, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditevent", name="nonce",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent", name="mac_epoch",
            field=models.PositiveSmallIntegerField(default=0), preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent", name="mac",
            field=models.CharField(default="", max_length=64), preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent", name="xact",
            field=models.BigIntegerField(
                db_default=bridgeway.audit.models.CurrentTransactionId(), editable=False),
        ),
        migrations.RunPython(sign_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent", name="nonce",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["xact", "seq"], name="audit_event_chain_order"),
        ),
        migrations.RunPython(create_triggers, drop_new_triggers),
    ]
