"""Reference data in the reader's language (decision 0025): languages, interests and the
codebook's themes carry their French in `name_fr`, shown when French is active."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from bridgeway.core import french
from bridgeway.core.models import Interest, Language
from bridgeway.demo import reference as ref
from bridgeway.outcomes import feedback
from bridgeway.outcomes.codebook_fr import TABLE_1_FR
from bridgeway.outcomes.models import Subtheme, Theme


def test_every_seeded_name_has_its_french():
    assert {code for code, _ in ref.LANGUAGES} <= set(french.LANGUAGES)
    assert {slug for slug, _ in ref.INTERESTS} <= set(french.INTERESTS)
    names = {t for _, t, _ in feedback.TABLE_1} | {s for _, _, subs in feedback.TABLE_1 for s in subs}
    assert names <= set(TABLE_1_FR)


def test_label_follows_the_language_and_falls_back_to_the_name(db):
    lang = Language.objects.create(code="fr", name="French", name_fr="français")
    plain = Interest.objects.create(slug="chess", name="Chess")  # no French recorded
    with translation.override("fr"):
        assert (str(lang), plain.label) == ("français", "Chess")
    with translation.override("en"):
        assert (str(lang), plain.label) == ("French", "Chess")


def test_client_page_shows_languages_and_interests_in_french(world, login):
    world.client_a.languages.set([Language.objects.create(code="fr", name="French",
                                                          name_fr="français")])
    world.client_a.interests.set([Interest.objects.create(slug="fishing", name="Fishing",
                                                          name_fr="Pêche")])
    client = login("coord_a")
    url = reverse("clients:detail", kwargs={"public_id": world.client_a.public_id})
    fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "français" in fr and "Pêche" in fr and "Fishing" not in fr
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "French" in en and "Fishing" in en


def test_seeded_codebook_reads_in_french(world, login):
    book = feedback.codebook_for(None)
    theme = Theme.objects.get(codebook=book, name="Perceived benefits of implementing TDM")
    assert theme.name_fr == TABLE_1_FR[theme.name]
    page = login("evaluator").get(reverse("outcomes:codebook"),
                                  HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Établir un filet de sécurité" in page
    assert "Establishing a safety net" not in page


@pytest.mark.django_db
def test_the_migrations_fill_rows_that_existed_before():
    Language.objects.create(code="es", name="Spanish")
    Interest.objects.create(slug="music", name="Music", name_fr="Musique!")  # kept as typed
    book = feedback.codebook_for(None)
    Subtheme.objects.filter(theme__codebook=book).update(name_fr="")
    importlib.import_module("bridgeway.core.migrations.0004_french_names").fill_french(apps, None)
    importlib.import_module("bridgeway.outcomes.migrations.0003_french_names").fill_french(
        apps, None)
    assert Language.objects.get(code="es").name_fr == "espagnol"
    assert Interest.objects.get(slug="music").name_fr == "Musique!"
    assert Subtheme.objects.get(name="Issues of stigma").name_fr == "Stigmatisation"
