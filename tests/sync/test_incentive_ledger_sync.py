"""Two CAMs working the same claims offline: a conflict, never a double approval or
payment, and the fund ledger's invariants hold on every device once they agree."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channeldesk.domain.fund_ledger import invariant_problems
from channeldesk.services import incentive_operations as ops
from channeldesk.services.operations import OperationRefused
from channeldesk.store.incentive_queries import ledger_entries, partner_total
from channeldesk.store.models import IncentiveProgram
from channeldesk.sync import conflicts

from .harness import converge, table_hashes

TODAY = date(2026, 5, 4)
PROOF = ("invoice", "attendee_list", "photos")
_names = itertools.count()


def _setup(make_client, claims: int = 2):
    n = next(_names)
    alice, carol = make_client(f"alice{n}"), make_client(f"carol{n}")
    store = alice.activate()
    with store.transaction():
        program = store.insert(IncentiveProgram, {"name": f"MDF {n}", "kind": "mdf",
                                                  "period": "FY2026", "currency": "EUR"})
    partner = alice.add_partner(f"Acme {n}", tier="gold", partner_type="msp")
    ops.allocate_funds(store, ops.AllocationRequest(program, partner, 10_000_00), "a", TODAY)
    ids = []
    for number in range(claims):
        claim = ops.create_claim(store, ops.NewClaim(
            program, partner, f"Event {number}", "event", TODAY, TODAY)).value
        ops.take_action(store, claim, "submit", 3_000_00, today=TODAY)
        for kind in PROOF:
            ops.attach_proof(store, claim, kind, f"{kind}{number}".encode(), f"{kind}.pdf")
        ids.append(claim)
    converge(alice, carol)
    return alice, carol, program, partner, ids


def _settle(*clients) -> None:
    """Sync until quiet, each open conflict decided for the server's value."""
    for _ in range(4):
        for client in clients:
            client.sync()
            store = client.activate()
            open_ids = [c.id for c in conflicts.list_conflicts(store)]
            if open_ids:
                conflicts.resolve_many(store, open_ids, "keep_theirs")
    converge(*clients)


def _check(client, program, partner) -> None:
    store = client.activate()
    entries = ledger_entries(store.db, partner, program)
    assert invariant_problems(entries) == []
    found = partner_total(store.db, partner, program)
    assert found.allocated + found.accrued == (found.available + found.reserved + found.paid
                                               + found.expired)


def _step(client, claim, action, amount) -> None:
    store = client.activate()
    # An illegal step on this device's copy is refused and writes nothing.
    with contextlib.suppress(OperationRefused):
        ops.take_action(store, claim, action, amount, comment="why", actor=client.email,
                        today=TODAY)


def test_two_cams_approving_one_claim_offline_meet_as_a_conflict(make_sqlite_client):
    alice, carol, program, partner, [claim, _] = _setup(make_sqlite_client)
    for action, amount in (("pre_approve", 3_000_00), ("submit_claim", 3_000_00)):
        _step(alice, claim, action, amount)
    converge(alice, carol)
    _step(alice, claim, "approve", 3_000_00)
    _step(carol, claim, "approve", 2_500_00)
    _step(alice, claim, "pay", 3_000_00)
    _step(carol, claim, "pay", 2_500_00)
    alice.sync()
    report = carol.sync()
    found = conflicts.list_conflicts(carol.activate())
    assert report.conflicts > 0
    assert {(c.table, c.field) for c in found} >= {("fund_ledger_entry", "amount"),
                                                    ("fund_ledger_entry", "write_token")}
    _settle(alice, carol)
    assert table_hashes(alice.store) == table_hashes(carol.store)
    for client in (alice, carol):
        _check(client, program, partner)
        totals = partner_total(client.activate().db, partner, program)
        assert (totals.approved, totals.paid) == (3_000_00, 3_000_00)  # once, not twice


ACTIONS = st.sampled_from(["pre_approve", "submit_claim", "approve", "pay", "pay", "reject",
                           "dispute", "withdraw", "request_info", "sync"])
MOVES = st.lists(st.tuples(st.sampled_from([0, 1]), ACTIONS, st.sampled_from([0, 1]),
                           st.integers(min_value=1, max_value=40)), min_size=4, max_size=14)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(moves=MOVES)
def test_random_steps_payments_and_syncs_keep_the_ledger_whole(make_sqlite_client, moves):
    alice, carol, program, partner, claims = _setup(make_sqlite_client)
    devices = (alice, carol)
    for device, action, claim, hundreds in moves:
        client = devices[device]
        if action == "sync":
            client.sync()
            continue
        _step(client, claims[claim], action, hundreds * 100_00)
        _check(client, program, partner)
    _settle(alice, carol)
    assert table_hashes(alice.store) == table_hashes(carol.store)
    for client in devices:
        assert conflicts.list_conflicts(client.activate()) == []
        _check(client, program, partner)


def test_a_pulled_currency_change_of_a_funded_program_is_a_conflict(make_sqlite_client):
    """Carol changes an unfunded program's currency offline while Alice allocates under
    it: Alice's copy keeps its currency (the amounts are EUR) and shows a conflict."""
    from channeldesk.services import incentive_edits as edits
    n = next(_names)
    alice, carol = make_sqlite_client(f"alice{n}"), make_sqlite_client(f"carol{n}")
    store = alice.activate()
    with store.transaction():
        program = store.insert(IncentiveProgram, {"name": f"MDF {n}", "kind": "mdf",
                                                  "period": "FY2026", "currency": "EUR"})
    partner = alice.add_partner(f"Acme {n}", tier="gold", partner_type="msp")
    converge(alice, carol)
    edits.edit_program(carol.activate(), program, {"currency": "JPY"})
    ops.allocate_funds(alice.activate(), ops.AllocationRequest(program, partner, 10_000_00),
                       "a", TODAY)
    alice.sync()
    carol.sync()
    alice.sync()
    store = alice.activate()
    assert IncentiveProgram.get_by_id(program).currency == "EUR"
    found = [c for c in conflicts.list_conflicts(store) if c.field == "currency"]
    assert found and found[0].row_id == program
