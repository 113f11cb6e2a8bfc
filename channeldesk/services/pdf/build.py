"""Build a plan PDF or a partner pack from plain documents, and write files safely.

Every file is written to a temporary file in the target folder and renamed over the
target only once complete (``os.replace`` is atomic on one file system), so an error, a
full disk or a cancel never leaves a half-written PDF where the partner's copy should be.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from channeldesk.domain.plan import STATUS_LABELS, PlanStatus
from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.layout import CoverFacts, DeskDocTemplate, NumberedCanvas
from channeldesk.services.pdf.sections import PACK, PLAN, SectionContext, sections_for
from channeldesk.services.pdf.styles import make_styles

# The process's umask, read once (reading it means setting it): a finished PDF gets the
# permissions a plain open() would give it, not mkstemp's private 0600.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class ExportWriteError(OSError):
    """The PDF could not be written where asked; nothing was left there."""


def _story(ctx: SectionContext) -> list[Flowable]:
    story: list[Flowable] = []
    for section in sections_for(ctx.kind):
        story.extend(section.build(ctx))
    return story


def render_plan(plan: PlanDocument, branding: Branding, target: BinaryIO | str,
                generated_on: date | None = None) -> None:
    generated_on = generated_on or date.today()
    styles = make_styles(branding.brand_colour)
    ctx = SectionContext(PLAN, plan, None, styles, branding, generated_on)
    doc = DeskDocTemplate(target, styles, branding, _facts(plan, "Joint business plan",
                                                          generated_on),
                          title=f"Joint business plan {plan.period} – {plan.partner_name}")
    doc.build(_story(ctx), canvasmaker=NumberedCanvas)


def render_pack(pack: PackDocument, branding: Branding, target: BinaryIO | str) -> None:
    plan = pack.plan
    styles = make_styles(branding.brand_colour)
    ctx = SectionContext(PACK, plan, pack, styles, branding, pack.generated_on)
    doc = DeskDocTemplate(target, styles, branding,
                          _facts(plan, pack.kicker, pack.generated_on, pack.period_label),
                          title=f"{pack.kicker} {pack.period or plan.period} – "
                                f"{plan.partner_name}")
    doc.multiBuild(_story(ctx), canvasmaker=NumberedCanvas)


def _facts(plan: PlanDocument, kicker: str, generated_on: date,
           period_label: str | None = None) -> CoverFacts:
    return CoverFacts(
        kicker=kicker, partner_name=plan.partner_name,
        period_label=period_label or plan.period_label,
        status_label=STATUS_LABELS.get(plan.status, plan.status).upper(),
        draft=plan.status == PlanStatus.DRAFT, partner_logo=plan.partner_logo,
        generated_on=generated_on)


def plan_pdf_bytes(plan: PlanDocument, branding: Branding,
                   generated_on: date | None = None) -> bytes:
    buffer = BytesIO()
    render_plan(plan, branding, buffer, generated_on)
    return buffer.getvalue()


def write_atomically(out: Path, render: Callable[[BinaryIO], None]) -> Path:
    """Render into a temporary file beside ``out``, then rename it to ``out``."""
    out = Path(out)
    folder = out.parent
    if not folder.is_dir():
        raise ExportWriteError(f"The folder {folder} does not exist. Create it first or "
                               "choose another file.")
    try:
        descriptor, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{out.stem}.",
                                                 suffix=".part")
    except OSError as error:
        raise ExportWriteError(f"Cannot write to {folder} ({error.strerror or error}). "
                               "Choose another folder.") from error
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            render(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_UMASK)
        os.replace(temp, out)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, ExportWriteError):
            raise ExportWriteError(f"Writing {out} failed ({error.strerror or error}); "
                                   "nothing was left behind.") from error
        raise
    return out
