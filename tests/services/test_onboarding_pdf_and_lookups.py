"""Onboarding in the partner pack (parsed back and rasterised), in the deadline radar and
in search everywhere; the demo data at every stage."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from plan_samples import add_partner, add_plan
from pypdf import PdfReader

from channeldesk.domain.onboarding_schedule import StepDraft
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.lookups import deadlines_between, search_texts
from channeldesk.services.onboarding_operations import (
    save_agreement,
    set_task_status,
    start_onboarding,
)
from channeldesk.services.onboarding_template_operations import save_template
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.pdf.sections import section_keys
from channeldesk.services.plan_export import export_pack
from channeldesk.store.models import OnboardingPlan, OnboardingTask
from channeldesk.store.onboarding_queries import median_onboard_days, tasks_of

TODAY = date(2026, 11, 27)
START = TODAY - timedelta(days=30)


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def onboarding_partner(store) -> tuple[str, str]:
    partner = add_partner(store, "Kestrel Networks", status="onboarding")
    template = save_template(store, None, {"name": "Reseller – Gold"}, [
        StepDraft("nda", "Mutual NDA signed", "agreement", "partner", 0),
        StepDraft("portal", "Portal access", "systems", "vendor", 5, "nda"),
        StepDraft("deal", "First deal registered", "first_deal", "partner", 60)]).value
    plan = start_onboarding(store, partner, template, START).value
    tasks = {t.title: t for t in tasks_of(plan)}
    set_task_status(store, tasks["Mutual NDA signed"].id, "done", START + timedelta(2))
    set_task_status(store, tasks["Portal access"].id, "blocked", START + timedelta(3),
                    "SSO against the partner's directory fails")
    store.update(OnboardingTask, tasks["Portal access"].id,
                 {"notes": "SECRET-TASK-NOTE: their IT lead is difficult"})
    store.update(OnboardingPlan, plan, {"internal_notes": "SECRET-PLAN-NOTE"})
    save_agreement(store, partner, None, {
        "agreement_type": "nda", "status": "signed", "signed_on": START + timedelta(2),
        "expires_on": TODAY + timedelta(20), "internal_notes": "SECRET-AGREEMENT-NOTE"})
    return partner, plan


def test_the_pack_has_an_onboarding_status_without_internal_notes(store, tmp_path):
    partner, _plan = onboarding_partner(store)
    add_plan(store, partner)
    assert section_keys("pack").index("onboarding") > section_keys("pack").index("scorecard")
    assert "onboarding" not in section_keys("plan")
    _pack, path = export_pack(store, "Kestrel", None, tmp_path / "pack.pdf", load_branding(),
                              TODAY)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Onboarding status" in text
    assert "1 of 3" in text and "Mutual NDA signed" in text
    assert "SSO against the partner's directory fails" in text
    assert "Overdue" in text  # the blocked portal task was due 25 days ago
    assert "NDA" in text and "Agreements" in text
    assert "SECRET" not in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")],
                       check=True)
        assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(path).pages)


def test_a_partner_never_onboarded_has_no_section(store, tmp_path):
    partner = add_partner(store, "Quiet Partner")
    add_plan(store, partner)
    _pack, path = export_pack(store, "Quiet", None, tmp_path / "pack.pdf", load_branding(),
                              TODAY)
    assert "Onboarding status" not in "".join(p.extract_text() for p in PdfReader(path).pages)


def test_overdue_tasks_and_expiring_agreements_are_deadlines(store):
    onboarding_partner(store)
    found = [d for d in deadlines_between(store.db, TODAY - timedelta(days=60),
                                          TODAY + timedelta(days=30))
             if d.feature == "onboarding"]
    kinds = {(d.kind, d.title) for d in found}
    assert ("Onboarding task (blocked)", "Portal access") in kinds
    assert ("Agreement expires", "NDA") in kinds
    assert all(d.about == "Kestrel Networks" for d in found)
    assert "Mutual NDA signed" not in {d.title for d in found}  # done: not due


def test_checklists_and_agreements_are_found_by_search(store):
    onboarding_partner(store)
    texts = [t for t in search_texts(store.db) if t.feature == "onboarding"]
    assert {t.table for t in texts} == {"onboarding_plan", "agreement"}
    assert any("Reseller – Gold" in t.text and "Kestrel" in t.title for t in texts)


def test_demo_has_partners_at_every_stage(store):
    load_demo_data(store, today=TODAY)
    plans = list(OnboardingPlan.live())
    assert {p.status for p in plans} == {"active", "completed"}
    tasks = list(OnboardingTask.live())
    assert any(t.status == "blocked" for t in tasks)
    assert any(t.status in ("open", "blocked") and t.due_on < TODAY for t in tasks)
    started = {p.started_on for p in plans if p.status == "active"}
    assert max(started) - min(started) > timedelta(days=60)  # just started to long running
    assert median_onboard_days(store.db) is not None
