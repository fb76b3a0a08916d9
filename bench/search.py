"""Benchmark of client search by name, with typos, at 1,000,000 clients on PostgreSQL.

Not a test: run it by hand.

    .venv/bin/python bench/search.py                    # 1,000,000 clients, 200 queries
    .venv/bin/python bench/search.py --clients 100000   # quicker

It creates the PostgreSQL database `bench_search` on BENCH_DATABASE_URL's server (default
postgres://postgres@127.0.0.1:5432), builds the real tables with Django's migrations (so the
GIN trigram index is the one migration clients 0003 creates), generates the clients in one
INSERT … SELECT over generate_series (names drawn from accented and plain lists, the
normalised search column computed from the same Python normalisation), and measures:

* the measured side: `bridgeway.access.search.search_clients` — the search box's selector,
  as an administrator (the widest scope: every client), with its audit event, for 200
  queries made from real clients' names with one typo each (a letter changed, dropped,
  doubled or swapped, or the accents dropped);
* the baseline: an exact lookup of the same 200 clients' names on the (family, given) B-tree
  index through the ORM, the way a search without typo tolerance would work;
* recall: how often the misspelt client's name is among the results.

It drops the database and prints as its last line
`search: p95_ms=<p95 of the search> over_exact=<p95 search / p95 exact lookup>`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB = "bench_search"

def _words(text: str) -> list[str]:
    return text.split()


GIVEN = _words("Daniel Danielle Marie Jean Pierre Hélène Émilie Sophie Mathieu Luc Léa Chloé Noah "
         "William Olivia Emma Liam Lucas Gabriel Félix Zoé Maya Amir Fatima Priya Wei Mei "
         "Aisha Omar Youssef Nadia Jacques Geneviève François Benoît Mélanie Josée André "
         "Michel Nathalie Isabelle Stéphane Sylvie Martin Julie Caroline Patrick Marc Louis "
         "Alexandre Catherine Thomas Samuel Élodie Anaïs Raphaël Jérôme Valérie Chantal Denis "
         "Robert Jennifer Michael Sarah Jessica David James John Linda Karen Susan Brian Kevin "
         "Ashley Amanda Melissa Nicole Stephanie Rebecca Laura Andrew Joshua Ryan Tyler Megan "
         "Hannah Ethan Jacob Logan Owen Ava Mia Charlotte Amelia Harper Evelyn Abigail Ella "
         "Grace Lily Aria Nora Riley Zoey Hazel Violet Aurora Jasmine Rania Karim Sami Leila "
         "Tariq Hamza Zara Anjali Ravi Arjun Deepa Sunita Vikram Kiran Hiroshi Yuki Kenji Min "
         "Jin Hana Sung Tran Linh Minh Thi Nguyen Carlos María José Luis Ana Sofía Diego Elena "
         "Mateo Valentina Santiago Camila Ingrid Sven Lars Astrid Björn Freya Oskar Klaus "
         "Dieter Anneliese Jürgen Grzegorz Małgorzata Agnieszka Tomasz Katarzyna Siobhán "
         "Seán Aoife Niamh Ciarán Róisín Eoin Tadhg Mairéad Declan")
FAMILY = _words("Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet "
          "Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron "
          "Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault "
          "St-Pierre Nadeau Martin Landry Martel Bédard Grenier Lessard Bernier Richard "
          "Michaud Hébert Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard "
          "Proulx Beaudoin Demers Perreault Boudreau Lemieux Cyr Perron Dufour Dion Mercier "
          "Bolduc Bérubé Boisvert Langlois Ménard Therrien Plante Bilodeau Blanchette "
          "Champagne Paradis Fortier Arsenault Dupuis Gaudreault Hamel Houle Villeneuve "
          "Rousseau Gravel Thériault Lemay Robert Allard Deschênes Giroux Guay Leduc Boivin "
          "Charbonneau Lambert Raymond Vachon Gilbert Audet Jean Larouche Legault Trudel "
          "Fontaine Picard Labelle Lacroix Jacques Moreau Carrier Bernard Desrosiers Goulet "
          "Renaud Dionne Lapierre Vaillancourt Fillion Lalonde Tessier Bertrand Tardif "
          "Lepage Gingras Benoît Rioux Giguère Drouin Harvey Lauzon Gendron Boutin Laflamme "
          "Vallée Dumont Breton Paré Paquin Robitaille Gélinas Duchesne Lussier Séguin "
          "Veilleux Potvin Gervais Pépin Laroche Morissette Charette Brassard Smith Brown "
          "Wilson Taylor Campbell Anderson Jones Thompson MacDonald Johnson Williams Miller "
          "Stewart Wright Robinson Murray Clarke Young Walker Scott Reid Mitchell Ross Graham "
          "Hughes Hall Wood Morrison Patel Singh Khan Ali Sharma Chen Wang Li Zhang Liu Kim "
          "Lee Park Nguyen Tran Pham Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez "
          "Sanchez Ramirez Torres Flores O'Brien O'Connor Murphy Kelly Sullivan Walsh "
          "McCarthy Byrne Ryan O'Neill Doyle Kowalski Nowak Wiśniewski Wójcik Kowalczyk "
          "Schmidt Müller Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
          "Nakamura Tanaka Suzuki Watanabe Yamamoto Kobayashi Haddad Khoury Nasser Saleh "
          "Mansour Hassan Ibrahim Mahmoud Abdi Osman Warsame Mensah Owusu Boateng Asante "
          "Okafor Adeyemi Okonkwo Eze Nwosu Mbeki Dlamini Ndlovu Moyo Kariuki Otieno "
          "Wanjiru")


def admin_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bridgeway.settings.test"
    import django

    django.setup()


def generate(clients: int) -> float:
    """1,000,000 clients in one INSERT … SELECT. Given name i*7 % G, family name i*13 % F
    (coprime strides, so every pair recurs about clients / (G·F) times), dates of birth
    spread over 60 years. The trigram index is dropped for the load and rebuilt after, as a
    bulk load would."""
    from django.db import connection

    from bridgeway.core.text import normalise_name

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("DROP INDEX IF EXISTS client_search_name_trgm")
        cur.execute("""
        INSERT INTO clients_client (public_id, created_at, updated_at, given_name, family_name,
            date_of_birth, gender, pronouns, pref_gender, pref_gender_strength,
            pref_age_strength, pref_language_strength, availability, home_fsa, phone, email,
            address, background, safety_notes, search_name, phone_digits)
        SELECT gen_random_uuid(), now(), now(),
            (%(given)s::text[])[1 + (g * 7) %% %(ng)s], (%(family)s::text[])[1 + (g * 13) %% %(nf)s],
            DATE '1940-01-01' + ((g * 7919) %% 21900)::int, 'undisclosed', '', '', 'none', 'none',
            'none', '[]', '', '', '', '', '', '',
            (%(given_n)s::text[])[1 + (g * 7) %% %(ng)s] || ' ' ||
                (%(family_n)s::text[])[1 + (g * 13) %% %(nf)s], ''
        FROM generate_series(1::bigint, %(n)s) g
        """, {"given": list(GIVEN), "family": list(FAMILY), "ng": len(GIVEN), "nf": len(FAMILY),
              "given_n": [normalise_name(x) for x in GIVEN],
              "family_n": [normalise_name(x) for x in FAMILY], "n": clients})
        cur.execute("CREATE INDEX client_search_name_trgm ON clients_client "
                    "USING gin (search_name gin_trgm_ops)")
        cur.execute("ANALYZE clients_client")
    return time.perf_counter() - t0


def misspell(name: str, rng: random.Random) -> str:
    """One typo, as a person types it: a letter changed, dropped, doubled or two swapped, or
    the accents left out (the last is no typo to the search, but the most common one)."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if plain != name and rng.random() < 0.3:
        return plain
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rng.choice(letters[1:-1] or letters)
    kind = rng.choice(["change", "drop", "double", "swap"])
    if kind == "change":
        return name[:i] + rng.choice("aeioulnrst".replace(name[i].lower(), "")) + name[i + 1:]
    if kind == "drop":
        return name[:i] + name[i + 1:]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    j = min(i + 1, len(name) - 1)
    return name[:i] + name[j] + name[i] + name[j + 1:]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(clients: int, queries: int, seed: int) -> tuple[float, float, float, float, float]:
    from bridgeway.access.grants import clients_for_user
    from bridgeway.access.search import _by_name_postgresql, search_clients
    from bridgeway.clients.models import Client
    from bridgeway.core.models import Role, RoleAssignment, User
    from bridgeway.core.text import normalise_name

    admin = User.objects.create(username="bench-admin")
    RoleAssignment.objects.create(user=admin, role=Role.ADMINISTRATOR)
    rng = random.Random(seed)
    targets = [Client.objects.only("given_name", "family_name", "search_name").get(
        pk=rng.randint(1, clients)) for _ in range(queries)]
    typed = []
    for client in targets:
        if rng.random() < 0.5:
            typed.append(f"{misspell(client.given_name, rng)} {client.family_name}")
        else:
            typed.append(f"{client.given_name} {misspell(client.family_name, rng)}")
    for text in typed[:10]:  # warm the caches and the connection, both sides
        search_clients(admin, text)
    search_ms, exact_ms, query_ms, found = [], [], [], 0
    everyone = clients_for_user(admin).filter(merged_into__isnull=True)
    for client, text in zip(targets, typed, strict=True):
        t0 = time.perf_counter()
        result = search_clients(admin, text)
        search_ms.append((time.perf_counter() - t0) * 1000)
        found += any(c.search_name == client.search_name for c in result.clients)
        t0 = time.perf_counter()
        list(Client.objects.filter(family_name=client.family_name,
                                   given_name=client.given_name)[:25])
        exact_ms.append((time.perf_counter() - t0) * 1000)
        # For the breakdown only: the trigram query alone, without parsing, scope and audit.
        t0 = time.perf_counter()
        _by_name_postgresql(everyone, normalise_name(text), 26)
        query_ms.append((time.perf_counter() - t0) * 1000)
    print(f"breakdown: the trigram query alone: median {statistics.median(query_ms):.1f} ms, "
          f"p95 {percentile(query_ms, 0.95):.1f} ms (the rest is scope, audit and commit)")
    return (statistics.median(search_ms), percentile(search_ms, 0.95),
            statistics.median(exact_ms), percentile(exact_ms, 0.95), found / queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    admin_exec(f"DROP DATABASE IF EXISTS {DB}")
    admin_exec(f"CREATE DATABASE {DB}")
    try:
        setup_django()
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - t0:.1f}s", flush=True)
        load_s = generate(args.clients)
        print(f"generate {args.clients:,} clients and index them: {load_s:.1f}s", flush=True)
        med, p95, exact_med, exact_p95, recall = measure(args.clients, args.queries, args.seed)
        print(f"search (typo, administrator, audited): median {med:.1f} ms, p95 {p95:.1f} ms")
        print(f"exact indexed lookup:                  median {exact_med:.2f} ms, "
              f"p95 {exact_p95:.2f} ms")
        print(f"recall: the misspelt client's name among the results in {recall:.1%} of queries")
    finally:
        from django.db import connections

        connections.close_all()
        admin_exec(f"DROP DATABASE IF EXISTS {DB}")
    print(f"search: p95_ms={p95:.0f} over_exact={p95 / exact_p95:.1f}")


if __name__ == "__main__":
    main()
