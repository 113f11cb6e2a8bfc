"""The partner pack's "Certifications and assets", parsed back and rasterised: who is
certified until when against the tier, what the partner holds and what is outdated,
nothing internal and nothing of another partner."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from enablement_samples import build_world
from PIL import Image
from plan_samples import add_plan
from pypdf import PdfReader

from channeldesk.services.enablement_operations import enrol, record_completion
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.plan_export import export_pack_id
from channeldesk.store.models import Asset

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_the_pack_shows_certifications_and_outdated_assets(store, tmp_path):
    world = build_world(store)
    northwind = world.partners["northwind"]
    store.update(Asset, world.assets["sheet"], {"internal_notes": "SECRET pricing fight"})
    enrol(store, [world.contacts["ada"], world.contacts["bo"]], world.course,
          date(2026, 3, 1))
    enrolment = store.db.execute_sql(
        "SELECT e.id FROM enrolment e JOIN contact c ON c.id = e.contact_id "
        "WHERE c.name = 'Ada Park'").fetchone()[0]
    record_completion(store, enrolment, date(2026, 4, 2), 91, passed=True)
    plan = add_plan(store, northwind)
    pack, path = export_pack_id(store, plan, tmp_path / "pack.pdf", load_branding(), TODAY)
    assert pack.extra["enablement"].headcount.certified == 1
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Certifications and assets" in text
    text = text[text.index("Certifications and assets Certified people"):]  # the section
    assert "Your tier asks for 2 certified people" in text
    assert "1 of 2" in text
    assert "Ada Park" in text and "Vault Certified Engineer" in text and "2 Apr 2028" in text
    assert "Bo Lind" not in text  # enrolled, not certified (the scorecard lists contacts)
    assert "Newer version available" in text and "Vault battlecard" in text
    assert "1 asset has a newer version" in text
    assert "SECRET" not in text
    assert "Acadia Cloud" not in text  # another partner's holdings never appear
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    last = len(PdfReader(path).pages)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", str(last - 1), str(path),
                    str(tmp_path / "page")], check=True)
    for image in sorted(tmp_path.glob("page-*.png")):
        low, _high = Image.open(image).convert("L").getextrema()
        assert low < 128, f"{image.name} looks blank"


def test_a_partner_with_nothing_yet_reads_as_such(store, tmp_path):
    world = build_world(store)
    plan = add_plan(store, world.partners["bluebird"])
    _pack, path = export_pack_id(store, plan, tmp_path / "pack.pdf", load_branding(), TODAY)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Nobody is certified yet" in text
    assert "No assets have been shared yet." in text
