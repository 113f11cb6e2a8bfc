"""Onboarding operations without Qt: templates saved and refused, a checklist started
with real due dates, tasks worked, the partner activated, every step exactly undoable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from operation_checks import check_do_undo_redo, check_nothing_on_failure, snapshot
from plan_samples import add_partner

from channeldesk.domain.onboarding_schedule import StepDraft
from channeldesk.services.onboarding_operations import (
    add_evidence,
    apply_template_changes,
    move_due,
    preview_move,
    preview_start,
    save_agreement,
    set_task_status,
    start_onboarding,
    template_changes,
)
from channeldesk.services.onboarding_template_operations import (
    add_shipped_templates,
    delete_template,
    save_template,
)
from channeldesk.services.operations import OperationRefused
from channeldesk.store.models import (
    Activity,
    Agreement,
    OnboardingPlan,
    OnboardingTask,
    OnboardingTemplate,
    Partner,
)
from channeldesk.store.onboarding_queries import steps_of, tasks_of

START = date(2026, 3, 2)


def simple_template(store, required_second: bool = True) -> str:
    steps = [StepDraft("a", "Sign agreement", "agreement", "partner", 0),
             StepDraft("b", "Portal access", "systems", "vendor", 3, "a", required_second),
             StepDraft("c", "Launch webinar", "marketing", "vendor", 20, None, False)]
    return save_template(store, None, {"name": "Simple"}, steps).value


def started(store, template_id=None) -> tuple[str, str]:
    partner = add_partner(store, "Acadia Cloud", status="onboarding", owner="Sam")
    template_id = template_id or simple_template(store)
    return partner, start_onboarding(store, partner, template_id, START).value


def task(plan_id: str, title: str) -> OnboardingTask:
    return next(t for t in tasks_of(plan_id) if t.title == title)


def test_shipped_templates_are_three_and_undo_as_one(store):
    operation = check_do_undo_redo(store, lambda: add_shipped_templates(store))
    operation.redo(store)
    names = sorted(t.name for t in OnboardingTemplate.live())
    assert names == ["MSP", "Referral", "Reseller – Gold"]
    assert all(steps_of(t.id) for t in OnboardingTemplate.live())


def test_a_template_is_refused_with_a_sentence_for_each_kind_of_bad_input(store):
    before = snapshot(store)
    cases = [
        ([], "at least one step"),
        ([StepDraft("a", "x", "training", "vendor", -2)], "cannot be negative"),
        ([StepDraft("a", "x", "training", "vendor", 1, "b"),
          StepDraft("b", "y", "training", "vendor", 1, "a")], "circle"),
    ]
    for steps, message in cases:
        with pytest.raises(OperationRefused, match=message):
            save_template(store, None, {"name": "Bad"}, steps)
    with pytest.raises(OperationRefused, match="Name is required"):
        save_template(store, None, {"name": " "}, cases[1][0])
    assert snapshot(store) == before


def test_editing_a_template_raises_its_revision_and_the_checklist_offers_the_change(store):
    _partner, plan_id = started(store)
    template = OnboardingPlan.get_by_id(plan_id).template
    steps = steps_of(template.id)
    drafts = [StepDraft(s.id, s.title + (" (v2)" if n == 1 else ""), s.category,
                        s.owner_side, s.offset_days, s.after_step_id, s.required)
              for n, s in enumerate(steps) if n != 2]
    drafts.append(StepDraft("new", "Certification", "training", "partner", 10, steps[0].id))
    save_template(store, template.id, {"name": template.name}, drafts)
    assert OnboardingTemplate.get_by_id(template.id).revision == 2
    # Running checklists are untouched until the change is applied.
    assert [t.title for t in tasks_of(plan_id)] == ["Sign agreement", "Portal access",
                                                    "Launch webinar"]
    changes = template_changes(plan_id)
    assert (changes.added, changes.changed, changes.removed) == (
        ("Certification",), ("Portal access (v2)",), ("Launch webinar",))
    check_do_undo_redo(store, lambda: apply_template_changes(store, plan_id, START))
    apply_template_changes(store, plan_id, START)
    assert sorted(t.title for t in tasks_of(plan_id)) == ["Certification",
                                                          "Portal access (v2)",
                                                          "Sign agreement"]
    assert task(plan_id, "Certification").due_on == START + timedelta(10)


def test_a_template_in_use_cannot_be_deleted(store):
    _partner, plan_id = started(store)
    template_id = OnboardingPlan.get_by_id(plan_id).template_id
    with pytest.raises(OperationRefused, match=r"in use by 1 running onboarding \(Acadia"):
        delete_template(store, template_id)
    assert not OnboardingTemplate.get_by_id(template_id).deleted


def test_starting_makes_tasks_with_real_due_dates_and_dependencies(store):
    partner = add_partner(store, "Acadia Cloud", status="active")
    template_id = simple_template(store)
    preview = preview_start(template_id, START)
    assert [(p.title, p.due_on) for p in preview] == [
        ("Sign agreement", START), ("Portal access", START + timedelta(3)),
        ("Launch webinar", START + timedelta(20))]
    operation = check_do_undo_redo(
        store, lambda: start_onboarding(store, partner, template_id, START, "Sam"))
    operation.redo(store)
    plan_id = operation.value
    portal = task(plan_id, "Portal access")
    assert portal.after_task_id == task(plan_id, "Sign agreement").id
    assert Partner.get_by_id(partner).status == "onboarding"
    with pytest.raises(OperationRefused, match="already in onboarding"):
        start_onboarding(store, partner, template_id, START)


def test_finishing_late_moves_dependants_and_the_last_required_task_activates(store):
    partner, plan_id = started(store)
    agreement = {"agreement_type": "reseller_agreement", "status": "signed",
                 "signed_on": START + timedelta(4), "expires_on": date(2028, 3, 1)}
    first = set_task_status(store, task(plan_id, "Sign agreement").id, "done",
                            START + timedelta(4), agreement=agreement)
    assert [(c.title, c.after) for c in first.value.moved] == [
        ("Portal access", START + timedelta(7))]
    assert Agreement.get(Agreement.partner == partner).status == "signed"
    last = check_do_undo_redo(store, lambda: set_task_status(
        store, task(plan_id, "Portal access").id, "done", START + timedelta(6)))
    last.redo(store)
    assert last.value.activated == "Acadia Cloud"
    assert Partner.get_by_id(partner).status == "active"
    plan = OnboardingPlan.get_by_id(plan_id)
    assert (plan.status, plan.completed_on) == ("completed", START + timedelta(6))
    assert Activity.get(Activity.partner == partner).subject.startswith("Onboarding complete")


def test_required_tasks_cannot_be_skipped_and_blocking_needs_a_reason(store):
    _partner, plan_id = started(store)
    before = snapshot(store)
    with pytest.raises(OperationRefused, match="required, so it cannot be skipped"):
        set_task_status(store, task(plan_id, "Sign agreement").id, "skipped", START)
    with pytest.raises(OperationRefused, match="Say why"):
        set_task_status(store, task(plan_id, "Sign agreement").id, "blocked", START, "  ")
    with pytest.raises(OperationRefused, match="before the onboarding started"):
        set_task_status(store, task(plan_id, "Sign agreement").id, "done",
                        START - timedelta(1))
    assert snapshot(store) == before
    blocked = set_task_status(store, task(plan_id, "Sign agreement").id, "blocked", START,
                              "Legal review of clause 7")
    assert task(plan_id, "Sign agreement").blocked_reason == "Legal review of clause 7"
    blocked.undo(store)
    assert task(plan_id, "Sign agreement").status == "open"


def test_moving_a_due_date_is_previewed_then_moves_dependants(store):
    _partner, plan_id = started(store)
    first = task(plan_id, "Sign agreement")
    preview = preview_move(first.id, START + timedelta(5))
    assert [(c.title, (c.after - c.before).days) for c in preview] == [
        ("Sign agreement", 5), ("Portal access", 5)]
    operation = check_do_undo_redo(store, lambda: move_due(store, first.id,
                                                           START + timedelta(5)))
    assert len(operation.value) == 2
    with pytest.raises(OperationRefused, match="before the onboarding started"):
        move_due(store, first.id, START - timedelta(3))


def test_evidence_files_go_to_the_blob_store_and_missing_files_are_refused(store, tmp_path):
    _partner, plan_id = started(store)
    target = task(plan_id, "Sign agreement").id
    proof = tmp_path / "signed.pdf"
    proof.write_bytes(b"%PDF-1.4 signed")
    operation = check_do_undo_redo(store, lambda: add_evidence(store, target, proof, START))
    operation.redo(store)
    evidence = store.get(OnboardingTask, target).evidence[0]
    assert evidence.file_name == "signed.pdf"
    assert store.blobs.read_bytes(evidence.file) == b"%PDF-1.4 signed"
    before = snapshot(store)
    with pytest.raises(OperationRefused, match="is not there any more"):
        add_evidence(store, target, tmp_path / "gone.pdf", START)
    unreadable = tmp_path / "folder.pdf"
    unreadable.mkdir()
    with pytest.raises(OperationRefused, match="not there any more"):
        add_evidence(store, target, unreadable, START)
    assert snapshot(store) == before


def test_an_agreement_with_its_signed_copy(store, tmp_path):
    partner = add_partner(store, "Acadia Cloud")
    copy = tmp_path / "nda.pdf"
    copy.write_bytes(b"nda")
    values = {"agreement_type": "nda", "status": "signed", "signed_on": START,
              "expires_on": None}
    operation = check_do_undo_redo(store, lambda: save_agreement(store, partner, None,
                                                                  values, copy))
    operation.redo(store)
    agreement = Agreement.get_by_id(operation.value)
    assert agreement.file_name == "nda.pdf" and store.blobs.has(agreement.signed_file)
    with pytest.raises(OperationRefused, match="after the signing date"):
        save_agreement(store, partner, None, {**values, "expires_on": START})


def test_a_failed_start_leaves_nothing(store, monkeypatch):
    partner = add_partner(store, "Acadia Cloud")
    template_id = simple_template(store)
    check_nothing_on_failure(store, monkeypatch, OnboardingTask,
                             lambda: start_onboarding(store, partner, template_id, START))
