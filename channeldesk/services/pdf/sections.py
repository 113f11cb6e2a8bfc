"""The section registry: each partner-facing document is the sections registered for it.

A later feature adds its part of the partner pack (onboarding status, certifications,
fund statement, open claims) with one :func:`register_section` call in its own module,
named in its ``pdf_sections`` in ``channeldesk/features.py``; the builders and the
sections already here stay untouched. ``order`` places a section
(plan sections use 100-199, the scorecard 200-299, later features 300 and up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from channeldesk.domain.plan_document import PackDocument, PlanDocument
from channeldesk.services.pdf.branding import Branding
from channeldesk.services.pdf.styles import Styles

PLAN = "plan"
PACK = "pack"


@dataclass(frozen=True)
class SectionContext:
    """What a section may draw on: the plan, the pack (None in a plan PDF), the look."""

    kind: str
    plan: PlanDocument
    pack: PackDocument | None
    styles: Styles
    branding: Branding
    generated_on: date


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    documents: frozenset[str]
    build: Callable[[SectionContext], list[Flowable]] = field(compare=False)


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, order: int, documents: set[str] | frozenset[str],
                     build: Callable[[SectionContext], list[Flowable]]) -> None:
    """Add (or replace, by key) a section; ``build`` returns [] to leave itself out."""
    _SECTIONS[key] = Section(key, order, frozenset(documents), build)


def unregister_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections_for(kind: str) -> list[Section]:
    """The sections of a document, once every feature's section modules are imported."""
    # Imported here: the feature list names the modules that import this one.
    from channeldesk.features import load_pdf_sections

    load_pdf_sections()
    return sorted((s for s in _SECTIONS.values() if kind in s.documents),
                  key=lambda s: (s.order, s.key))


def section_keys(kind: str) -> list[str]:
    return [s.key for s in sections_for(kind)]
