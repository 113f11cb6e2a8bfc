"""The Onboarding tab's edits as undo steps: each is a Qt-free operation
(``services/onboarding_operations.py``, ``services/onboarding_template_operations.py``)
in the one generic :class:`OperationCommand`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from channeldesk.domain.onboarding import label
from channeldesk.domain.onboarding_schedule import StepDraft
from channeldesk.services import onboarding_operations as ops
from channeldesk.services import onboarding_template_operations as template_ops
from channeldesk.store import Store
from channeldesk.ui.shell.undo import OperationCommand


def start_command(store: Store, partner_id: str, partner: str, template_id: str,
                  started_on: date, owner: str) -> OperationCommand:
    return OperationCommand(store, f"Start onboarding {partner}",
                            lambda: ops.start_onboarding(store, partner_id, template_id,
                                                         started_on, owner))


def status_command(store: Store, task_id: str, title: str, status: str, on: date,
                   reason: str = "", agreement: dict[str, Any] | None = None
                   ) -> OperationCommand:
    return OperationCommand(store, f"Mark “{title}” {label(status).lower()}",
                            lambda: ops.set_task_status(store, task_id, status, on, reason,
                                                        agreement))


def move_command(store: Store, task_id: str, title: str, new_due: date) -> OperationCommand:
    return OperationCommand(store, f"Move due date of “{title}”",
                            lambda: ops.move_due(store, task_id, new_due))


def evidence_command(store: Store, task_id: str, title: str, path: Path, on: date
                     ) -> OperationCommand:
    return OperationCommand(store, f"Attach {path.name} to “{title}”",
                            lambda: ops.add_evidence(store, task_id, path, on))


def agreement_command(store: Store, partner_id: str, agreement_id: str | None,
                      values: dict[str, Any], copy: Path | None) -> OperationCommand:
    what = label(values.get("agreement_type"))
    text = f"Record {what}" if agreement_id is None else f"Edit {what}"
    return OperationCommand(store, text, lambda: ops.save_agreement(
        store, partner_id, agreement_id, values, copy))


def apply_template_command(store: Store, plan_id: str, partner: str, today: date
                           ) -> OperationCommand:
    return OperationCommand(store, f"Apply template changes to {partner}",
                            lambda: ops.apply_template_changes(store, plan_id, today))


def save_template_command(store: Store, template_id: str | None, values: dict[str, Any],
                          steps: Sequence[StepDraft]) -> OperationCommand:
    text = f"Save template {values.get('name', '')}".strip()
    return OperationCommand(store, text, lambda: template_ops.save_template(
        store, template_id, values, steps))


def delete_template_command(store: Store, template_id: str, name: str) -> OperationCommand:
    return OperationCommand(store, f"Delete template {name}",
                            lambda: template_ops.delete_template(store, template_id))


def shipped_templates_command(store: Store) -> OperationCommand:
    return OperationCommand(store, "Add the shipped onboarding templates",
                            lambda: template_ops.add_shipped_templates(store))
