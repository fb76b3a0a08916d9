"""Phone first: the client page starts with log contact, call and report an incident, each
only for those who may use it; "My clients" links each client to the fast log form."""

from __future__ import annotations

import re

from tests import factories as f


def _quick(html: str) -> str:
    found = re.search(r'<nav class="quick-actions".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def test_supporter_gets_the_three_actions_first(world, login):
    html = login("supporter").get(f"/clients/{world.client_a.public_id}/").content.decode()
    quick = _quick(html)
    assert f'href="/contacts/clients/{world.client_a.public_id}/log/"' in quick
    assert 'href="tel:519-555-0100"' in quick
    assert f'href="/safety/clients/{world.client_a.public_id}/incident/"' in quick
    # First on the page: before the "About" section and every panel.
    assert html.index('class="quick-actions"') < html.index("<article")


def test_no_call_link_unless_the_client_shares_contact_details(world, login):
    f.ConsentFactory(enrolment=world.enrolment_a, version=2, recorded_by=world.coord_a,
                     share_contact_details=False)
    html = login("supporter").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert "tel:" not in html
    assert "/log/" in _quick(html)  # the other two stay


def test_ward_staff_get_neither_log_nor_incident(world, login):
    html = login("staff_a").get(f"/clients/{world.client_a.public_id}/").content.decode()
    assert "/log/" not in _quick(html) and "/incident/" not in _quick(html)


def test_my_clients_links_each_client_to_the_fast_log_form(world, login):
    html = login("supporter").get("/clients/mine/").content.decode()
    assert f'href="/contacts/clients/{world.client_a.public_id}/log/"' in html
