"""Every font in the plan and the pack is embedded: none names reportlab's standard
Helvetica, which a reader would substitute (and which has no Greek, Cyrillic or Polish)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from channeldesk.self_test import check_pdf
from channeldesk.services import plan_export
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.pdf.branding import load_branding
from channeldesk.store import open_store
from channeldesk.store.models import BusinessPlan


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("pdf-fonts") / "demo.sqlite3")
    load_demo_data(store)
    yield store
    store.close()


@pytest.mark.parametrize("kind", ["plan", "pack"])
def test_every_font_of_the_document_is_embedded(demo, tmp_path, kind):
    plan = BusinessPlan.select().where(BusinessPlan.deleted == 0).order_by(BusinessPlan.id).first()
    export = plan_export.export_plan_id if kind == "plan" else plan_export.export_pack_id
    _document, path = export(demo, plan.id, tmp_path / f"{kind}.pdf", load_branding())
    check_pdf(path)  # raises on a /BaseFont of the standard 14 or no /FontFile2
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "DejaVuSans" in font["/BaseFont"], font["/BaseFont"]
