"""bench/audit.py's second half: tamperings of the benchmark's trail, each checked by verify.

Each runs in a transaction with the triggers off (as a database superuser would), verify is
given the head exported just before, and the transaction is rolled back; a tampering counts as
found only if verify names the expected problem.
"""

from __future__ import annotations

import re
import time


def log(message: str) -> None:
    print(message, flush=True)


def list_page_views() -> None:
    """A few coordinators open the site's matching page, which lists clients: events with
    subject rows to tamper with."""
    from django.test import Client
    from django.urls import reverse
    from otp_session import force_login_verified

    from bridgeway.core.models import User

    for i in range(3):
        http = Client()
        force_login_verified(http, User.objects.get(username=f"bench_coord{i}"))
        assert http.get(reverse("matching:site", kwargs={"site_code": "bench"})).status_code == 200


class _Undo(Exception):
    pass


def _cut(position: str) -> str:
    """Every row, subject row and seal after a seal position: the tables as they were then
    (they are append-only, so this is exactly an older backup)."""
    after = f"(SELECT event_seq FROM audit_auditseal WHERE position > {position})"
    return (f"DELETE FROM audit_auditsubject WHERE event_id IN {after};"
            f" DELETE FROM audit_auditevent WHERE seq IN {after};"
            f" DELETE FROM audit_auditseal WHERE position > {position}")


def tamperings() -> list[tuple[str, str, str]]:
    """(name, SQL run with the triggers off, what verify must say). {a}, {b}, {m}: row seqs;
    {p}: a middle seal position; {end50}, {old}: 50 and 300 (or half) seals before the end; {listed}: a
    list page's row (it has subject rows)."""
    return [
        ("alter a row", "UPDATE audit_auditevent SET outcome = 'denied' WHERE seq = {m}",
         r"row {m} altered"),
        ("delete a middle row", "DELETE FROM audit_auditevent WHERE seq = {m}", r"row {m} deleted"),
        ("delete the newest 50 rows and their seals", _cut("{end50}"),
         r"the exported head is at seal \d+ but the chain ends at seal {end50}"),
        ("append a row with an unkeyed hash and seal",
         "INSERT INTO audit_auditevent (nonce, occurred_at, actor_username, role, site_code,"
         " category, action, outcome, detail, subjects, mac_epoch, mac)"
         " SELECT gen_random_uuid(), now(), 'bench_coord0', '', '', 'identity', 'view', 'allowed',"
         " 'forged', '', 1, encode(sha256('forged'::bytea), 'hex');"
         " INSERT INTO audit_auditseal (position, event_seq, event_xact, epoch, prev, hmac)"
         " SELECT s.position + 1, e.seq, e.xact, 1, s.hmac,"
         " encode(sha256(s.hmac::bytea), 'hex') FROM audit_auditseal s, audit_auditevent e"
         " WHERE e.detail = 'forged' ORDER BY s.position DESC LIMIT 1",
         r"row \d+ altered or forged"),
        ("alter a row and recompute every later seal without the key",
         "UPDATE audit_auditevent SET detail = 'forged' WHERE seq = {m};"
         " UPDATE audit_auditseal SET hmac = encode(sha256((hmac || 'x')::bytea), 'hex'),"
         " prev = encode(sha256((prev || 'x')::bytea), 'hex') WHERE position >= {p}",
         r"row {m} altered"),
        ("reorder two seals",
         "UPDATE audit_auditseal SET event_seq = -event_seq WHERE position IN ({p}, {p} + 1);"
         " UPDATE audit_auditseal s SET event_seq = (SELECT -o.event_seq FROM audit_auditseal o"
         " WHERE o.position = CASE WHEN s.position = {p} THEN {p} + 1 ELSE {p} END)"
         " WHERE s.position IN ({p}, {p} + 1)",
         r"(inserted|deleted|does not match seal)"),
        ("swap two rows' contents",
         "UPDATE audit_auditevent e SET detail = o.detail, nonce = o.nonce, mac = o.mac,"
         " client_public_id = o.client_public_id, occurred_at = o.occurred_at"
         " FROM (SELECT * FROM audit_auditevent WHERE seq IN ({a}, {b})) o"
         " WHERE e.seq IN ({a}, {b}) AND o.seq <> e.seq",
         r"row {a} does not match seal"),
        ("change a timestamp",
         "UPDATE audit_auditevent SET occurred_at = occurred_at - interval '2 hours' WHERE seq = {m}",
         r"row {m} altered"),
        ("change a subject row",
         "UPDATE audit_auditsubject SET client_public_id = gen_random_uuid()"
         " WHERE id = (SELECT min(id) FROM audit_auditsubject WHERE event_id = {listed})",
         r"row {listed}: its subject index was changed"),
        ("delete subject rows", "DELETE FROM audit_auditsubject WHERE event_id = {listed}",
         r"row {listed}: its subject index was changed"),
        ("copy a row (a valid MAC, sealed as new)", "INSERT INTO audit_auditevent (nonce,"
         " occurred_at, actor_public_id, actor_username, role, site_code, client_public_id,"
         " category, action, outcome, detail, subjects, mac_epoch, mac) SELECT nonce,"
         " occurred_at, actor_public_id, actor_username, role, site_code, client_public_id,"
         " category, action, outcome, detail, subjects, mac_epoch, mac FROM audit_auditevent"
         " WHERE seq = {m}", r"rows {m}, \d+ are copies of one event"),
        ("insert a row before sealed rows",
         "INSERT INTO audit_auditevent (seq, xact, nonce, occurred_at, actor_public_id,"
         " actor_username, role, site_code, client_public_id, category, action, outcome, detail,"
         " subjects, mac_epoch, mac) SELECT 0, 0, nonce, occurred_at, actor_public_id,"
         " actor_username, role, site_code, client_public_id, category, action, outcome,"
         " 'inserted', subjects, mac_epoch, mac FROM audit_auditevent WHERE seq = {m}",
         r"row 0 inserted"),
        ("delete a seal", "DELETE FROM audit_auditseal WHERE position = {p}",
         r"seals {p}–{p} are missing"),
        ("restore an older backup (the tables as they were at seal {old})", _cut("{old}"),
         r"the exported head is at seal \d+ but the chain ends at seal {old}"),
    ]


def check_tampering() -> tuple[int, int]:
    from django.db import connection, transaction

    from bridgeway.audit import heads
    from bridgeway.audit.models import AuditEvent, AuditSeal, AuditSubject
    from bridgeway.audit.verify import verify_chain

    list_page_views()
    from bridgeway.audit.writer import SYSTEM, record

    # A short run (e.g. --seconds 3) leaves few events; the writer tops the trail up to 400 so
    # every tampering has rows before and after it.
    for i in range(max(0, 400 - AuditEvent.objects.count())):
        record(who=SYSTEM, category="identity", action="view", detail=f"bench:top-up:{i}")
    started = time.perf_counter()
    result = verify_chain()
    assert result.ok and result.head is not None, result.problems[:5]
    heads.export(result.head)
    kept = heads.last_exported()
    log(f"bench: verify of the whole trail: {result.checked:,} rows in "
        f"{time.perf_counter() - started:.2f}s, head {kept}")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    listed = AuditSubject.objects.order_by("event_id").values_list("event_id", flat=True).first()
    end = result.head.position
    marks = {"m": seqs[len(seqs) // 2], "a": seqs[len(seqs) // 3], "b": seqs[len(seqs) // 3 + 1],
             "p": end // 2, "end50": end - 50, "listed": listed,
             "old": end - 300 if end > 600 else end // 2}
    assert listed is not None and end >= 400 and AuditSeal.objects.count() == end
    found = 0
    cases = tamperings()
    for name, sql, expected in cases:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
                    cursor.execute(sql.format(**marks))
                    cursor.execute("SET LOCAL session_replication_role = origin")
                outcome = verify_chain(head=kept)
                raise _Undo
        except _Undo:
            pass
        said = " | ".join(p.message for p in outcome.problems)
        hit = not outcome.ok and re.search(expected.format(**marks), said) is not None
        found += hit
        log(f"bench: tamper {name.format(**marks)}: {'found' if hit else 'MISSED'} "
            f"({outcome.problems[0].message if outcome.problems else 'no problem reported'})")
    assert verify_chain(head=kept).ok  # every tampering was rolled back
    return found, len(cases)


