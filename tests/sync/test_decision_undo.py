"""Taking back a conflict decision: exact before a sync, refused after one."""

from __future__ import annotations

import pytest

from channeldesk.store.models import Partner
from channeldesk.sync import conflicts, decision_undo
from channeldesk.sync.decision_undo import DecisionAlreadySyncedError

from .harness import converge, local_state
from .test_conflicts import clash, delete_versus_edit


@pytest.fixture
def pair(make_client):
    alice, carol = make_client("alice"), make_client("carol")
    partner = alice.add_partner("Acme Resellers")
    converge(alice, carol)
    return alice, carol, partner


def decide(client, choice, merged=None):
    ids = [c.id for c in conflicts.list_conflicts(client.store)]
    return decision_undo.resolve_undoably(client.store, ids, choice, merged)


@pytest.mark.parametrize(("choice", "merged"), [
    ("keep_mine", None), ("keep_theirs", None), ("merged", "gold (from Q3)")])
def test_undo_puts_everything_back_as_before_the_decision(pair, choice, merged):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    carol.update(Partner, partner, {"phone": "+1 555 0100"})  # an unsent edit beside it
    before = local_state(carol.store)
    decision = decide(carol, choice, merged)
    assert conflicts.list_conflicts(carol.store) == []
    decision_undo.undo(carol.store, decision)
    assert local_state(carol.store) == before
    [again] = conflicts.list_conflicts(carol.store)
    assert (again.mine, again.theirs) == ("platinum", "gold")
    # Decided again and synced, it reaches everyone as if the first one never happened.
    conflicts.resolve(carol.store, again.id, "keep_theirs")
    converge(alice, carol)
    assert carol.value(Partner, partner, "tier") == alice.value(Partner, partner, "tier") \
        == "gold"
    assert carol.value(Partner, partner, "phone") == "+1 555 0100"


@pytest.mark.parametrize("choice", ["keep_mine", "keep_theirs"])  # restore / accept delete
def test_undo_of_a_deleted_record_decision(pair, choice):
    alice, carol, partner = pair
    delete_versus_edit(alice, carol, partner)
    before = local_state(carol.store)
    decision = decide(carol, choice)
    decision_undo.undo(carol.store, decision)
    assert local_state(carol.store) == before
    assert len(conflicts.list_conflicts(carol.store)) == 2
    # Nothing was sent meanwhile: the next sync meets the same deletion again.
    assert carol.sync().open_conflicts == 2


def test_undo_is_refused_once_the_decision_was_synced(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    decision = decide(carol, "keep_mine")
    carol.sync()
    synced = local_state(carol.store)
    with pytest.raises(DecisionAlreadySyncedError, match="edit the record"):
        decision_undo.undo(carol.store, decision)
    assert local_state(carol.store) == synced  # nothing touched
    alice.sync()
    assert alice.value(Partner, partner, "tier") == "platinum"


def test_undo_tells_listeners_which_records_changed(pair):
    alice, carol, partner = pair
    clash(alice, carol, partner)
    decision = decide(carol, "keep_theirs")
    heard = []
    carol.store.subscribe(heard.append)
    decision_undo.undo(carol.store, decision)
    assert any(partner in notice.rows.get("partner", ()) for notice in heard)


def test_a_decision_is_an_operation_that_undoes_and_redoes(pair):
    """The generic undo command's protocol: undo, redo, undo again, each exact."""
    alice, carol, partner = pair
    clash(alice, carol, partner)
    before = local_state(carol.store)
    ids = [c.id for c in conflicts.list_conflicts(carol.store)]
    decision = decision_undo.decide(carol.store, ids, "keep_mine")
    decided = local_state(carol.store)
    decision.undo(carol.store)
    assert local_state(carol.store) == before
    decision.redo(carol.store)
    assert carol.value(Partner, partner, "tier") == "platinum"
    assert conflicts.list_conflicts(carol.store) == []
    assert local_state(carol.store).keys() == decided.keys()
    decision.undo(carol.store)
    assert local_state(carol.store) == before
    decision.redo(carol.store)
    carol.sync()
    with pytest.raises(DecisionAlreadySyncedError) as refused:
        decision.undo(carol.store)
    assert refused.value.expires_undo  # the undo command drops the step
