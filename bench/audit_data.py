"""bench/audit.py's program: one site, 16 coordinators, 3,200 clients with stays and consent."""

from __future__ import annotations

THREADS = 16
CLIENTS_PER_THREAD = 200


def build() -> tuple[list[str], list[list[str]]]:
    """The program; returns one session cookie per thread and each thread's client ids."""
    from datetime import date, timedelta

    from django.db import connection
    from django.utils import timezone

    from bridgeway.clients.models import Client, ConsentRecord, Enrolment, HospitalStay, Match
    from bridgeway.core.models import Organisation, ProgramSite, Role, RoleAssignment, User, Ward
    from bridgeway.supporters.models import SupporterProfile

    today, now = timezone.localdate(), timezone.now()
    hospital = Organisation.objects.create(name="Bench Hospital", code="bench-h", kind="hospital")
    peers = Organisation.objects.create(name="Bench Peers", code="bench-p", kind="peer_org")
    site = ProgramSite.objects.create(code="bench", name="Bench TDM", hospital=hospital)
    site.peer_organisations.add(peers)
    ward = Ward.objects.create(hospital=hospital, name="Ward A", ward_type="acute")
    coordinators = User.objects.bulk_create([
        User(username=f"bench_coord{i}", first_name=f"Coord{i}") for i in range(THREADS)])
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=u, role=Role.COORDINATOR, site=site) for u in coordinators])
    users = User.objects.bulk_create([User(username=f"bench_sup{i}", first_name=f"Sup{i}")
                                      for i in range(20)])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.PEER_SUPPORTER,
                                                       organisation=peers) for u in users])
    supporters = SupporterProfile.objects.bulk_create([
        SupporterProfile(user=u, organisation=peers, employment="volunteer", hours_per_week=6,
                         max_active_clients=200, gender="woman") for u in users])
    SupporterProfile.sites.through.objects.bulk_create([
        SupporterProfile.sites.through(supporterprofile_id=s.pk, programsite_id=site.pk)
        for s in supporters])
    n = THREADS * CLIENTS_PER_THREAD
    clients = Client.objects.bulk_create([
        Client(given_name=f"Given{i}", family_name=f"Family{i}", date_of_birth=date(1980, 1, 1))
        for i in range(n)], batch_size=2000)
    stays = HospitalStay.objects.bulk_create([
        HospitalStay(client=c, hospital=hospital, ward=ward,
                     admitted_on=today - timedelta(days=40), discharged_on=today - timedelta(days=20))
        for c in clients], batch_size=2000)
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(client=c, site=site, stay=s, status="matched" if i % 2 else "waiting",
                  status_changed_at=now, referred_on=today - timedelta(days=30))
        for i, (c, s) in enumerate(zip(clients, stays, strict=True))], batch_size=2000)
    ConsentRecord.objects.bulk_create([
        ConsentRecord(enrolment=e, version=1, participation=True, share_stay_status=True,
                      recorded_by=coordinators[0], recorded_at=now) for e in enrolments],
        batch_size=2000)
    Match.objects.bulk_create([
        Match(enrolment=e, client_id=e.client_id, site_id=e.site_id, supporter=supporters[i % 20],
              status="active", started_on=today - timedelta(days=20))
        for i, e in enumerate(enrolments) if i % 2], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # Each coordinator signed in as the app signs people in (its backend, the second factor
    # passed): a hand-made session naming another backend is anonymous to the server.
    from django.test import Client as HttpClient
    from otp_session import force_login_verified

    cookies = []
    for user in coordinators:
        http = HttpClient()
        force_login_verified(http, user)
        cookies.append(f"sessionid={http.session.session_key}")
    ids = [str(c.public_id) for c in clients]
    return cookies, [ids[t::THREADS] for t in range(THREADS)]


def page_queries(client_id: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from otp_session import force_login_verified

    from bridgeway.core.models import User

    http = Client()
    force_login_verified(http, User.objects.get(username="bench_coord0"))
    http.get(f"/clients/{client_id}/")
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(f"/clients/{client_id}/")
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


