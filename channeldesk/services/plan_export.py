"""Exporting plans to PDF from an open store: one plan, a partner pack, or every plan.

Used by the command line (``channeldesk export plan|pack|plans``) and by the app's File
menu. The database is read in this process; rendering a batch runs in worker processes
on every core, each handed plain documents (no database connection crosses a process).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO

from channeldesk.domain.plan import Period, PeriodError, PeriodKind
from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.output_files import open_output
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.build import render_pack, render_plan
from channeldesk.services.pdf.fonts import register_fonts, unprintable_characters
from channeldesk.store import Store
from channeldesk.store.models import BusinessPlan, Partner
from channeldesk.store.plan_queries import (
    current_plan,
    find_partners,
    load_engagement,
    load_plan_document,
    plans_of,
)

PackExtra = Callable[[str, date, Period | None], object]
"""(partner id, today, the pack's period or None) → data a later feature's pack section
shows (in PackDocument.extra). A loader whose data has no period ignores the third."""

_PACK_EXTRAS: dict[str, PackExtra] = {}


def register_pack_extra(key: str, loader: PackExtra) -> None:
    """A later feature loads its pack data here; its section reads ``pack.extra[key]``."""
    _PACK_EXTRAS[key] = loader


class ExportError(Exception):
    """Something the user can fix: no such partner, no plan, a bad period."""


class AmbiguousPartnerError(ExportError):
    def __init__(self, text: str, matches: list[Partner]) -> None:
        self.matches = matches
        listing = "\n".join(f"  {p.id}  {p.name} ({p.country or 'no country'})"
                            for p in matches)
        super().__init__(f"'{text}' matches {len(matches)} partners:\n{listing}\n"
                         "Run the command again with --partner set to one of these ids.")


def resolve_partner(text: str) -> Partner:
    matches = find_partners(text)
    if not matches:
        raise ExportError(f"No partner matches '{text}'. Check the spelling, or give the "
                          "partner's id.")
    if len(matches) > 1:
        raise AmbiguousPartnerError(text, matches)
    return matches[0]


def choose_plan(partner: Partner, period: str | None, today: date) -> BusinessPlan:
    if period:
        try:
            Period.parse(period)
        except PeriodError as error:
            raise ExportError(str(error)) from error
    plan = current_plan(partner.id, period, today)
    if plan is None:
        have = ", ".join(p.period for p in plans_of(partner.id))
        if period and have:
            raise ExportError(f"{partner.name} has no plan for {period}; it has plans for "
                              f"{have}.")
        raise ExportError(f"{partner.name} has no business plan yet. Create one in the "
                          "Plans tab first.")
    return plan


def printing_problem(document: object) -> str | None:
    """A warning when some text of the document cannot be printed with the PDF's font."""
    missing = unprintable_characters(document)
    if not missing:
        return None
    sample = " ".join(missing[:5])
    return (f"{len(missing)} character(s) cannot be printed with the PDF's fonts and show "
            f"as empty boxes (e.g. {sample}). Latin, Greek, Cyrillic, Arabic, Hebrew, Thai, "
            "Chinese, Japanese and Korean print; these characters are outside them.")


def write_output(out: Path, render: Callable[[BinaryIO], None]) -> Path:
    """Render a PDF to ``out`` through ``output_files`` (atomic for a file, in place for
    a device such as /dev/null, refused for a folder or a pipe); returns ``out``."""
    with open_output(out, "wb") as handle:
        render(handle)
    return Path(out)


def export_plan(store: Store, partner_text: str, period: str | None, out: Path,
                branding: Branding, today: date | None = None) -> tuple[PlanDocument, Path]:
    """The plan of a partner named on the command line (its current one, or ``period``'s)."""
    today = today or date.today()
    plan = choose_plan(resolve_partner(partner_text), period, today)
    return export_plan_id(store, plan.id, out, branding, today)


def export_plan_id(store: Store, plan_id: str, out: Path, branding: Branding,
                   today: date | None = None) -> tuple[PlanDocument, Path]:
    """Exactly this plan (the app exports the one on screen: a partner may hold two
    plans of one period, made on two devices before they synced)."""
    today = today or date.today()
    document = load_plan_document(plan_id, store.blobs)
    path = write_output(out, lambda f: render_plan(document, branding, f, today))
    return document, path


@dataclass(frozen=True)
class PackPeriod:
    """A period a pack of a plan can be made for: the plan's own, or a half or quarter
    inside it. ``label`` is what a chooser shows ('Q3 2026', 'Fiscal year 2026 (whole
    plan)')."""

    period: str
    label: str
    whole_plan: bool


def pack_periods(plan_id: str) -> list[PackPeriod]:
    """The periods a pack of ``plan_id`` can cover: the whole plan first, then its halves
    (a yearly plan) and its quarters, in order. Qt-free, for the app's chooser."""
    plan = BusinessPlan.get_by_id(plan_id)
    try:
        period = Period.parse(plan.period)
    except PeriodError:
        return [PackPeriod(plan.period, plan.period, True)]
    choices = [PackPeriod(str(period), f"{period.label} (whole plan)", True)]
    if period.kind is PeriodKind.YEAR:
        choices += [PackPeriod(str(half), half.label, False)
                    for half in (Period(period.year, PeriodKind.HALF, 1),
                                 Period(period.year, PeriodKind.HALF, 2))]
    if period.kind is not PeriodKind.QUARTER:
        choices += [PackPeriod(str(q), q.label, False) for q in period.quarters()]
    return choices


def pack_period_for(plan_id: str, text: str | None) -> str:
    """``text`` ('2026-Q3', 'Q3', 'H2', 'FY2026' or None for the whole plan) read as a
    period inside the plan's, or ExportError saying which ones the plan has."""
    plan = BusinessPlan.get_by_id(plan_id)
    if not text:
        return plan.period
    cleaned = text.strip().upper()
    if re.fullmatch(r"[QH]\d", cleaned):
        try:
            cleaned = f"{Period.parse(plan.period).year}-{cleaned}"
        except PeriodError as error:
            raise ExportError(str(error)) from error
    allowed = [choice.period for choice in pack_periods(plan_id)]
    try:
        wanted = str(Period.parse(cleaned))
    except PeriodError as error:
        raise ExportError(str(error)) from error
    if wanted not in allowed:
        raise ExportError(f"{wanted} is not inside the {plan.period} plan; choose one of "
                          f"{', '.join(allowed)}.")
    return wanted


def choose_pack_plan(partner: Partner, period: str | None, today: date) -> BusinessPlan:
    """The plan a pack is made from: the one for ``period``, else the live plan whose
    period holds it (FY2026 for 2026-Q3), else the current plan. An archived plan is used
    only when its period was asked for: a stale plan must never be picked silently."""
    if period:
        try:
            wanted = Period.parse(period)
        except PeriodError as error:
            raise ExportError(str(error)) from error
        plans = plans_of(partner.id)
        exact = [p for p in plans if p.period == str(wanted)]
        holding = sorted((p for p in plans if _holds(p.period, wanted)),
                         key=lambda p: (p.status == "archived", -len(_quarters(p.period))))
        plan = (exact or holding or [None])[0]
        if plan is None:
            have = ", ".join(p.period for p in plans)
            raise ExportError(f"{partner.name} has no plan for {wanted}"
                              + (f"; it has plans for {have}." if have else "."))
        return plan
    plan = choose_plan(partner, None, today)
    if plan.status == "archived":
        raise ExportError(
            f"The latest plan of {partner.name} ({plan.period}) is archived. Give --period "
            f"{plan.period} to make a pack of that archived plan anyway, or create this "
            "period's plan in the Plans tab first.")
    return plan


def _quarters(text: str) -> list[Period]:
    try:
        return Period.parse(text).quarters()
    except PeriodError:
        return []


def _holds(text: str, part: Period) -> bool:
    try:
        return Period.parse(text).contains(part)
    except PeriodError:
        return False


def load_pack(store: Store, plan_id: str, today: date, period: str | None = None) -> PackDocument:
    """A plan's pack for ``period`` (its own period by default, or a half or quarter in it)."""
    # The features' section modules register their pack data loaders when imported.
    from channeldesk.features import load_pdf_sections

    load_pdf_sections()
    plan = BusinessPlan.get_by_id(plan_id)
    scope = pack_period_for(plan_id, period)
    try:
        measured = Period.parse(scope)
    except PeriodError:
        measured = None
    return PackDocument(
        plan=load_plan_document(plan.id, store.blobs),
        engagement=load_engagement(plan.partner_id, today, period=measured),
        generated_on=today,
        extra={key: loader(plan.partner_id, today, measured)
               for key, loader in _PACK_EXTRAS.items()},
        period=scope,
    )


def export_pack(store: Store, partner_text: str, period: str | None, out: Path,
                branding: Branding, today: date | None = None,
                quarter: str | None = None) -> tuple[PackDocument, Path]:
    """The pack of a partner named on the command line: for ``period`` (a plan's period,
    or a half or quarter inside one), narrowed to ``quarter`` ('Q3' or '2026-Q3') of the
    plan when given. Without either, the current plan's whole period."""
    today = today or date.today()
    plan = choose_pack_plan(resolve_partner(partner_text), period, today)
    scope = period if period and _names_another_period(period, plan.period) else None
    if quarter:
        scope = quarter
    return export_pack_id(store, plan.id, out, branding, today, scope)


def _names_another_period(text: str, plan_period: str) -> bool:
    try:
        return str(Period.parse(text)) != plan_period
    except PeriodError:
        return False


def export_pack_id(store: Store, plan_id: str, out: Path, branding: Branding,
                   today: date | None = None,
                   period: str | None = None) -> tuple[PackDocument, Path]:
    """Exactly this plan's pack, for ``period`` (see :func:`pack_periods`; None: the
    whole plan)."""
    today = today or date.today()
    pack = load_pack(store, plan_id, today, period)
    path = write_output(out, lambda f: render_pack(pack, branding, f))
    return pack, path


# -- every plan -------------------------------------------------------------------------------

@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (plan label, reason)


def batch_plan_ids(period: str | None) -> list[str]:
    """Live plans of live partners, optionally of one period, by partner name."""
    query = (BusinessPlan.live().join(Partner)
             .where(Partner.deleted == False)  # noqa: E712
             .order_by(Partner.name, BusinessPlan.period))
    if period:
        query = query.where(BusinessPlan.period == str(Period.parse(period)))
    return [plan.id for plan in query]


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name_for(document: PlanDocument, taken: set[str]) -> str:
    """'Łódź Systemy Sp. z o.o. - FY2026.pdf': readable, safe on every file system,
    unique in the batch."""
    stem = _UNSAFE.sub(" ", document.partner_name).lstrip(" .").strip() or "partner"
    stem = " ".join(stem.split())[:80]
    name = f"{stem} - {document.period}.pdf"
    if name.casefold() in taken:
        name = f"{stem} - {document.period} ({document.plan_id[-6:]}).pdf"
    taken.add(name.casefold())
    return name


def _render_one(document: PlanDocument, branding: Branding, out: str, today: date) -> str:
    """Worker-process entry point: render and write one plan atomically."""
    write_output(Path(out), lambda f: render_plan(document, branding, f, today))
    return out


def export_all_plans(store: Store, out_dir: Path, branding: Branding,
                     period: str | None = None, progress: Progress | None = None,
                     cancel: threading.Event | None = None, workers: int | None = None,
                     today: date | None = None) -> BatchResult:
    """One PDF per plan into ``out_dir`` using every core; cancel stops between files."""
    today = today or date.today()
    if period:
        try:
            Period.parse(period)
        except PeriodError as error:
            raise ExportError(str(error)) from error
    ids = batch_plan_ids(period)
    if not ids:
        raise ExportError("There are no plans to export" + (f" for {period}." if period
                                                            else "."))
    taken: set[str] = set()

    def jobs() -> Iterator[tuple[PlanDocument, str]]:
        for plan_id in ids:
            document = load_plan_document(plan_id, store.blobs)
            yield document, str(out_dir / file_name_for(document, taken))

    return _run_batch(jobs(), len(ids), branding, today, progress, cancel, workers)


def _warm_worker() -> None:
    """Worker start-up: register the font once, before the first plan arrives."""
    register_fonts()


def _run_batch(jobs: Iterator[tuple[PlanDocument, str]], total: int, branding: Branding,
               today: date, progress: Progress | None, cancel: threading.Event | None,
               workers: int | None) -> BatchResult:
    """Render ``jobs`` on ``workers`` processes; documents are loaded (here, from the
    database) while the workers start and render, and at most a few per worker wait in
    the queue, so a cancel takes effect within a file or two."""
    result = BatchResult()
    workers = max(1, min(workers or os.cpu_count() or 1, total))
    # spawn, not fork: the app has Qt and database threads that must not be forked.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_warm_worker) as pool:
        pending: dict[Future, PlanDocument] = {}
        more = True
        while more or pending:
            if cancel is not None and cancel.is_set():
                for future in pending:
                    future.cancel()
                pool.shutdown(wait=True, cancel_futures=True)
                raise Cancelled(
                    f"Export cancelled after {len(result.written)} of {total} plans; the "
                    "files written are complete.")
            while more and len(pending) < workers * 3:
                job = next(jobs, None)
                if job is None:
                    more = False
                    break
                document, out = job
                pending[pool.submit(_render_one, document, branding, out, today)] = document
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                document = pending.pop(future)
                label = f"{document.partner_name} {document.period}"
                try:
                    result.written.append(Path(future.result()))
                except Exception as error:  # one bad plan must not stop the batch
                    result.failed.append((label, f"{type(error).__name__}: {error}"))
                if progress:
                    progress(len(result.written) + len(result.failed), total, label)
    return result
