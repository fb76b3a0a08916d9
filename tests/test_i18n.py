"""French (Ontario's French Language Services Act): pages render in French when asked, and the
catalogue is complete, keeps every placeholder and is compiled (docs/translation.md)."""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# %(name)s, %(n)d, %(load).2f, bare %s/%d, and {name} (str.format).
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[A-Za-z_]\w*\}")


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """LocaleMiddleware activates French in this thread; later tests expect the default."""
    yield
    translation.deactivate()


def _to_french(client: HttpClient) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


# --- pages -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_login_page_is_english_by_default(client: HttpClient) -> None:
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "Se connecter" not in html


@pytest.mark.django_db
def test_login_page_in_french_with_the_language_cookie(client: HttpClient) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in html
    assert "Se connecter" in html
    assert "Mot de passe" in html
    assert "Passer au contenu" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_signed_out_visitor_can_switch_to_french(client: HttpClient) -> None:
    _to_french(client)
    assert "Se connecter" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_browser_asking_for_canadian_french_gets_french(client: HttpClient) -> None:
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="fr">' in html
    assert "Nom d’utilisateur" in html or "Nom d'utilisateur" in html or "Nom d&#x27;utilisateur" in html


def test_coordinator_dashboard_in_french(login, world) -> None:  # type: ignore[no-untyped-def]
    client = login("coord_a")
    _to_french(client)
    response = client.get(reverse("clients:site_dashboard", kwargs={"site_code": world.site_a.code}))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Tableau de bord du site" in html      # page heading
    assert "Inscriptions par statut" in html      # section heading
    assert "Pairs aidants" in html                # action button
    assert ">Tableau de bord<" in html            # navigation (lazy label)
    assert "Se déconnecter" in html
    assert "Site dashboard" not in html
    assert "Sign out" not in html


def test_coordinator_switches_back_to_english(login, world) -> None:  # type: ignore[no-untyped-def]
    client = login("coord_a")
    _to_french(client)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("clients:site_dashboard",
                              kwargs={"site_code": world.site_a.code})).content.decode()
    assert "Site dashboard" in html
    assert "Tableau de bord du site" not in html


# --- catalogue -------------------------------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """Just enough of the PO format for these checks (polib is not a dependency)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] = ("msgid", 0)

    def flush() -> None:
        nonlocal current
        if current.msgid or current.msgstr:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if not current.line:
                current.line = number
            if keyword == "msgid":
                current.msgid, target = text, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = text, ("msgid_plural", 0)
            elif keyword.startswith("msgstr"):
                n = int(index or 0)
                current.msgstr[n], target = text, ("msgstr", n)
            else:
                current.msgctxt, target = text, ("msgctxt", 0)
            continue
        assert line.startswith('"'), f"{path}:{number}: unexpected line {raw!r}"
        text = ast.literal_eval(line)
        if target[0] == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
        elif target[0] == "msgid":
            current.msgid += text
        elif target[0] == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + text
        elif target[0] == "msgstr":
            current.msgstr[target[1]] += text
    flush()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO_FILE.exists(), f"missing {PO_FILE}: run `make messages`"
    entries = [e for e in parse_po(PO_FILE) if not e.obsolete]
    header, body = entries[0], entries[1:]
    assert header.msgid == ""
    assert "Language: fr" in header.msgstr[0]
    assert "plural=(n > 1)" in header.msgstr[0]
    return body


def test_catalogue_is_not_empty(catalogue: list[Entry]) -> None:
    assert len(catalogue) > 500
    ids = {e.msgid for e in catalogue}
    assert {"Sign in", "Peer supporter", "Expected discharge", "Waitlist"} <= ids


def test_every_string_is_translated_and_none_is_fuzzy(catalogue: list[Entry]) -> None:
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in catalogue if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries (check them, then remove the flag):\n" + "\n".join(fuzzy)
    untranslated = []
    for e in catalogue:
        expected_forms = 2 if e.msgid_plural is not None else 1
        forms = [e.msgstr.get(i, "") for i in range(expected_forms)]
        if not all(form.strip() for form in forms):
            untranslated.append(f"line {e.line}: {e.msgid!r}")
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)


def test_translations_keep_the_placeholders(catalogue: list[Entry]) -> None:
    wrong = []
    for e in catalogue:
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural else [])
        allowed = [sorted(PLACEHOLDER.findall(s)) for s in sources]
        for n, text in e.msgstr.items():
            if sorted(PLACEHOLDER.findall(text)) not in allowed:
                wrong.append(f"line {e.line}: {e.msgid!r} -> msgstr[{n}] {text!r}")
            if text.count("\n") != sources[0].count("\n") and "\n" in sources[0]:
                wrong.append(f"line {e.line}: line breaks differ in {e.msgid!r}")
            if ("python-format" in e.flags and "%%" in sources[0]) and "%%" not in text:
                wrong.append(f"line {e.line}: a literal % must stay escaped as %% in {text!r}")
    assert not wrong, "\n".join(wrong)


def test_translations_keep_html_tags(catalogue: list[Entry]) -> None:
    tag = re.compile(r"</?[a-zA-Z][^>]*>")
    wrong = [f"line {e.line}: {e.msgid!r}" for e in catalogue
             for text in e.msgstr.values() if sorted(tag.findall(text)) != sorted(tag.findall(e.msgid))]
    assert not wrong, "\n".join(wrong)


def test_compiled_catalogue_matches_the_po_file(catalogue: list[Entry]) -> None:
    """The .mo is committed (so `make demo` needs no gettext); it must not lag the .po."""
    assert MO_FILE.exists(), f"missing {MO_FILE}: run `make messages`"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in catalogue:
        if e.msgctxt is not None:
            if compiled.pgettext(e.msgctxt, e.msgid) != e.msgstr[0]:
                stale.append(f"{e.msgctxt}|{e.msgid}")
        elif e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif (compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.msgstr[0]
              or compiled.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstr[1]):
            stale.append(e.msgid)
    assert not stale, "django.mo is out of date; run `make messages`:\n" + "\n".join(stale[:20])
