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

from channeldesk.domain.plan import Period, PeriodError
from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.domain.progress import Cancelled, Progress
from channeldesk.features import load_pdf_sections
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.build import render_pack, render_plan, write_atomically
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

PackExtra = Callable[[str, date], object]
"""(partner id, today) → data a later feature's pack section shows (in PackDocument.extra)."""

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
    return (f"{len(missing)} character(s) cannot be printed with the PDF's font and show "
            f"as empty boxes (e.g. {sample}). Latin, Greek and Cyrillic print; Thai, Chinese, "
            "Japanese, Korean, Arabic and Hebrew text does not yet.")


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
    path = write_atomically(out, lambda f: render_plan(document, branding, f, today))
    return document, path


def load_pack(store: Store, plan_id: str, today: date) -> PackDocument:
    load_pdf_sections()  # the section modules register the extras they read
    plan = BusinessPlan.get_by_id(plan_id)
    return PackDocument(
        plan=load_plan_document(plan.id, store.blobs),
        engagement=load_engagement(plan.partner_id, today),
        generated_on=today,
        extra={key: loader(plan.partner_id, today) for key, loader in _PACK_EXTRAS.items()},
    )


def export_pack(store: Store, partner_text: str, period: str | None, out: Path,
                branding: Branding, today: date | None = None) -> tuple[PackDocument, Path]:
    """The pack of a partner named on the command line (see export_plan)."""
    today = today or date.today()
    plan = choose_plan(resolve_partner(partner_text), period, today)
    return export_pack_id(store, plan.id, out, branding, today)


def export_pack_id(store: Store, plan_id: str, out: Path, branding: Branding,
                   today: date | None = None) -> tuple[PackDocument, Path]:
    today = today or date.today()
    pack = load_pack(store, plan_id, today)
    path = write_atomically(out, lambda f: render_pack(pack, branding, f))
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
    write_atomically(Path(out), lambda f: render_plan(document, branding, f, today))
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
