"""Build a plan PDF or a partner pack from plain documents, and write files safely.

Every file is written to a temporary file in the target folder and renamed over the
target only once complete (``os.replace`` is atomic on one file system), so an error, a
full disk or a cancel never leaves a half-written PDF where the partner's copy should be.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import BinaryIO

from reportlab.platypus import Flowable

from channeldesk.domain.plan import STATUS_LABELS, PlanStatus
from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.layout import CoverFacts, DeskDocTemplate, NumberedCanvas
from channeldesk.services.pdf.sections import PACK, PLAN, SectionContext, sections_for
from channeldesk.services.pdf.styles import make_styles


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
