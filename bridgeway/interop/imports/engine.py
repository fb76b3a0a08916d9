"""Run one import: read, check every row, check the whole file, then write it all or nothing.

The one entry point of the command and the page (`run_import`). Everything happens in one
transaction; any bad row, any file-level problem, or a dry run rolls it back, so a file with
an error writes nothing. Only counts leave this module for the audit trail and the logs.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bridgeway.audit.writer import record
from bridgeway.core.actors import Actor
from bridgeway.core.models import Organisation
from bridgeway.interop.models import ImportRun
from bridgeway.outcomes.services import coverage_declare

from .kinds import KINDS
from .kinds.base import Context, Duplicate, Kind
from .reading import FileProblem, Table, open_table
from .rows import STARTS, Row, RowError, header_key, looks_like_formula
from .staging import Counts, Stage

logger = logging.getLogger(__name__)
# Every bad row is counted; this many are listed (a file wrong throughout needs one fix, not
# a million lines of the same reason).
MAX_LISTED = 5000
Progress = Callable[[int, int], None]


@dataclass
class CoverageNote:
    hospital: str
    source: str
    period_start: date
    period_end: date
    complete_up_to: date


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    problem: str = ""
    duplicates: list[Duplicate] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    coverage: list[CoverageNote] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    seconds: float = 0.0
    # Seconds per step (read and stage, check, duplicates, write, coverage): for the benchmark
    # and the operations guide, never rows or values.
    steps: dict[str, float] = field(default_factory=dict)

    def lap(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.steps[step] = round(now - since, 3)
        return now

    @property
    def ok(self) -> bool:
        return not self.problem and not self.error_count

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    def add(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_LISTED - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])


class _Counting(io.RawIOBase):
    """A stream that reports how many bytes were read (for the progress bar)."""

    def __init__(self, inner: IO[bytes], report: Callable[[int], None]) -> None:
        self.inner, self.report, self.done = inner, report, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return bool(self.inner.seekable())

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self.inner.seek(offset, whence))

    def tell(self) -> int:
        return int(self.inner.tell())

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        self.report(self.done)
        return len(data)


def _columns(kind: Kind, header: list[str]) -> tuple[list[str | None], list[RowError]]:
    """Each header cell's column name (English or the documented French alias)."""
    names = {header_key(c.name): c.name for c in kind.columns}
    names.update({header_key(c.french): c.name for c in kind.columns})
    mapped: list[str | None] = []
    errors: list[RowError] = []
    for cell in header:
        name = names.get(header_key(cell))
        if not cell.strip():
            mapped.append(None)
            continue
        if name is None:
            expected = ", ".join(c.name for c in kind.columns)
            errors.append(RowError(1, cell, cell, _(
                "Not a column of this layout (in English or French); expected: %(cols)s.")
                % {"cols": expected}))
        elif name in mapped:
            errors.append(RowError(1, cell, cell, _("This column appears twice.")))
        mapped.append(name)
    for column in kind.columns:
        if column.required and column.name not in mapped:
            errors.append(RowError(1, column.name, "", _("A required column is missing.")))
    return mapped, errors


def _read(table: Table, kind: Kind, ctx: Context, stage: Stage, result: ImportResult) -> None:
    mapped, errors = _columns(kind, table.header)
    result.add(errors)
    if errors:
        return
    width = len(mapped)
    index = {name: i for i, name in enumerate(mapped) if name}
    formula_reason = ctx.t(gettext_noop("A formula (or a cell a spreadsheet would run as one); "
                              "type the value itself."))
    formula_cells = table.formula_cells
    parse = kind.parse
    with stage.loader() as load:
        for line, cells in table.rows:
            result.rows += 1
            if len(cells) != width:
                if len(cells) < width or any(c.strip() for c in cells[width:]):
                    result.add([RowError(line, "", "", ctx.t(gettext_noop(
                        "This row has %(cells)d cells; the header has %(width)d."))
                        % {"cells": len(cells), "width": width})])
                    continue
                cells = cells[:width]
            row = Row(line, cells, index, ctx.t)
            key = row.text("key", required=True, max_length=64)
            staged = parse(row, ctx)
            # Cheap test first: almost no cell starts with one of these characters.
            if formula_cells or any(c[:1] in STARTS for c in cells):
                formulas = {name for i, c in enumerate(cells) if (name := mapped[i]) and (
                    (line, i) in formula_cells or looks_like_formula(c))}
                if formulas:
                    row.errors = [e for e in row.errors if e.column not in formulas]
                    row.errors += [RowError(line, name, row.raw(name)[:80], formula_reason)
                                   for name in sorted(formulas)]
            if row.errors:
                result.add(row.errors)
            elif staged is not None:
                load((line, key, *staged))


def _declare(kind: Kind, stage: Stage, ctx: Context, complete_up_to: date | None,
             result: ImportResult) -> None:
    if kind.coverage is None:
        return
    source, sql = kind.coverage
    names = dict(Organisation.objects.values_list("id", "name"))
    for hospital_id, first, last in stage.query(sql):
        first, last = _as_date(first), _as_date(last)
        up_to = complete_up_to or last
        end = max(last, up_to)
        coverage_declare(actor=ctx.actor, source=source,
                         hospital=Organisation.objects.get(pk=hospital_id), period_start=first,
                         period_end=end, complete_up_to=up_to,
                         note=_("Import of %(file)s") % {"file": result.file_name[:150]})
        result.coverage.append(CoverageNote(names[int(hospital_id)], source, first, end, up_to))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def run_import(*, actor: Actor, kind: str, stream: IO[bytes], file_name: str, source: str,
               dry_run: bool = False, complete_up_to: date | None = None, size: int = 0,
               progress: Progress | None = None, today: date | None = None) -> ImportResult:
    """Import one file of `kind` from `source`; see the module docstring for the guarantees."""
    started = time.perf_counter()
    spec = KINDS[kind]
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
    now = timezone.now()
    ctx = Context.load(actor=actor, source=source, now=now, today=today or timezone.localdate())
    counting = _Counting(stream, (lambda done: progress(done, size)) if progress else
                         (lambda done: None))
    with transaction.atomic():
        stage = Stage.create(spec.name, spec.staging)
        try:
            table = open_table(io.BufferedReader(counting, 256 * 1024), file_name)
            result.encoding, result.separator = table.encoding, table.separator
            _read(table, spec, ctx, stage, result)
            lap = result.lap("read", started)
            if not result.error_count and not result.rows:
                result.problem = _("The file has a header but no rows.")
            elif not result.problem and result.rows:
                # The whole-file checks run over the rows that passed their own checks, so
                # one pass lists every problem (an overlap is found even beside a bad date).
                result.add(spec.check(stage, ctx))
                result.errors.sort(key=lambda e: e.line)
                lap = result.lap("check", lap)
            if result.ok:
                if spec.duplicates is not None:
                    result.duplicates = spec.duplicates(stage, ctx)
                    lap = result.lap("duplicates", lap)
                result.counts = spec.write(stage, ctx)
                lap = result.lap("write", lap)
                _declare(spec, stage, ctx, complete_up_to, result)
                result.lap("coverage", lap)
        except FileProblem as exc:
            result.problem = str(exc)
        except ValidationError as exc:
            result.problem = " ".join(exc.messages)
        result.seconds = time.perf_counter() - started
        if result.applied:
            _audit(actor, result, source)
            stage.drop()
        else:
            transaction.set_rollback(True)
    if not result.applied:
        with transaction.atomic():
            _audit(actor, result, source)
    logger.info("import %s: rows=%d created=%d updated=%d errors=%d dry_run=%s seconds=%.1f",
                kind, result.rows, result.counts.created, result.counts.updated,
                result.error_count, dry_run, result.seconds)
    return result


def _audit(actor: Actor, result: ImportResult, source: str) -> None:
    """One event per import, with its counts (never a name or a value from the file)."""
    action = ("import" if result.applied else "import_preview" if result.ok else "import_rejected")
    c = result.counts
    record(who=actor.who, category="import", action=action,
           detail=(f"kind:{result.kind} source:{source[:40]} rows:{result.rows} "
                   f"created:{c.created} updated:{c.updated} unchanged:{c.unchanged} "
                   f"errors:{result.error_count} duplicates:{len(result.duplicates)}"))
    ImportRun.objects.create(
        kind=result.kind, source=source[:40], file_name=result.file_name[-200:],
        dry_run=result.dry_run or not result.ok, rows=result.rows, created=c.created,
        updated=c.updated, unchanged=c.unchanged, errors=result.error_count,
        seconds=round(result.seconds, 2), by=actor.user)

