"""Prospect lists: derived search and fit rows follow every write path; filters in SQL."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

import pytest

from channeldesk.domain.progress import Cancelled
from channeldesk.store.models import IdealPartnerProfile, ProfileCriterion, Prospect
from channeldesk.store.prospect_derived import (
    catch_up,
    current_profile,
    rescore_all,
)
from channeldesk.store.prospect_queries import (
    ProspectFilter,
    ProspectSort,
    count_live_prospects,
    distinct_values,
    prospect_ids,
    prospect_rows,
    stage_counts,
)


def add(store, company: str, **values) -> str:
    return store.insert(Prospect, {"company": company, **values})


def add_profile(store, *criteria: dict) -> str:
    with store.transaction():
        profile = store.insert(IdealPartnerProfile, {"name": "EMEA healthcare"})
        for n, criterion in enumerate(criteria):
            store.insert(ProfileCriterion, {"profile": profile, "position": n, **criterion})
    return profile


def ids_for(store, **flt) -> list[str]:
    catch_up(store.db)
    return prospect_ids(store.db, ProspectFilter(**flt))


def test_search_is_accent_insensitive_and_follows_edits(store):
    lodz = add(store, "Łódź Systemy", country="Poland")
    zurich = add(store, "Zürich IT", owner="Dana Whitfield")
    assert ids_for(store, text="lodz") == [lodz]
    assert ids_for(store, text="ZUR") == [zurich]
    assert ids_for(store, text="dana it") == [zurich]
    store.update(Prospect, zurich, {"company": "Geneva IT"})
    assert ids_for(store, text="zur") == []
    assert ids_for(store, text="gene") == [zurich]
    store.delete(Prospect, zurich)
    assert ids_for(store) == [lodz]
    assert count_live_prospects(store.db) == 1


def test_a_raw_connection_write_is_caught_up_too(store):
    """Triggers mark the row in plain SQL; folding happens on the next read."""
    row_id = add(store, "Acme")
    conn = sqlite3.connect(store.path, isolation_level=None)
    conn.execute("UPDATE prospect SET company = 'Ærø Data', updated_at = ? WHERE id = ?",
                 (store.clock.now(), row_id))
    conn.close()
    assert ids_for(store, text="aero") == [row_id]


def test_like_wildcards_are_literal(store):
    add(store, "100% Cloud")
    add(store, "1000 Cloud")
    assert len(ids_for(store, text="100%")) == 1
    assert len(ids_for(store, text="_")) == 0


def test_filters_and_sorts(store):
    a = add(store, "Alpha", stage="qualified", owner="Sam", region="emea", vertical="Finance",
            employees=10, next_step_on=date(2026, 1, 2))
    b = add(store, "beta", stage="signed", owner="Kim", region="na", vertical="Retail",
            employees=500, next_step_on=date(2026, 1, 1))
    c = add(store, "Ćma", stage="identified", owner="Sam", region="emea")
    assert ids_for(store) == [a, b, c]
    assert ids_for(store, stages=frozenset({"signed", "identified"})) == [b, c]
    assert ids_for(store, owners=frozenset({"Sam"}), regions=frozenset({"emea"})) == [a, c]
    assert ids_for(store, verticals=frozenset({"Retail"})) == [b]
    assert ids_for(store, overdue_on=date(2026, 6, 1)) == [a]  # b is signed, c has no date
    catch_up(store.db)
    assert prospect_ids(store.db, ProspectFilter(), ProspectSort.EMPLOYEES, True) == [b, a, c]
    assert prospect_ids(store.db, ProspectFilter(), ProspectSort.STAGE) == [c, a, b]
    for sort in ProspectSort:
        assert sorted(prospect_ids(store.db, ProspectFilter(), sort)) == sorted([a, b, c])
    assert stage_counts(store.db, ProspectFilter()) == {"qualified": 1, "signed": 1,
                                                        "identified": 1}
    assert distinct_values(store.db, "owner") == ["Kim", "Sam"]
    rows = prospect_rows(store.db, [a])
    assert rows[a].next_step_on == date(2026, 1, 2) and rows[a].score is None


def test_scores_follow_the_profile(store):
    emea = add(store, "Emea Co", region="emea", employees=100)
    other = add(store, "Other Co", region="apac")
    add_profile(store, {"attribute": "region", "operator": "in", "choices": "emea",
                        "weight": 3},
                {"attribute": "employees", "operator": "at_least", "low": 50, "weight": 1})
    assert current_profile(store.db).criteria[0].choices == ("emea",)
    assert rescore_all(store.db) == 2
    rows = prospect_rows(store.db, [emea, other])
    assert (rows[emea].score, rows[other].score) == (100, 0)
    assert rows[emea].breakdown == "+75 region EMEA\n+25 employees 100"
    assert ids_for(store, min_score=70) == [emea]
    # a new prospect is scored when the list catches up
    late = add(store, "Late Co", region="emea")
    catch_up(store.db)
    assert prospect_rows(store.db, [late])[late].score == 75


def test_a_cancelled_rescore_keeps_the_old_scores(store):
    row_id = add(store, "Emea Co", region="emea")
    add_profile(store, {"attribute": "region", "operator": "in", "choices": "emea"})
    rescore_all(store.db)
    catch_up(store.db)  # as the list does: a stale prospect's score is computed on the fly
    profile = IdealPartnerProfile.get()
    criterion = ProfileCriterion.get()
    store.update(ProfileCriterion, criterion.id, {"choices": "apac"})
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        rescore_all(store.db, cancel=cancel)
    assert prospect_rows(store.db, [row_id])[row_id].score == 100
    seen = []
    rescore_all(store.db, progress=lambda done, total, _: seen.append((done, total)))
    assert prospect_rows(store.db, [row_id])[row_id].score == 0
    assert seen[-1] == (1, 1)
    assert profile.name == "EMEA healthcare"


def test_unknown_criteria_from_a_newer_version_are_ignored(store):
    add_profile(store, {"attribute": "moon_phase", "operator": "in", "choices": "full"},
                {"attribute": "region", "operator": "in", "choices": "emea"})
    assert len(current_profile(store.db).criteria) == 1


def test_catch_up_gives_way_to_another_writer_and_catches_up_later(store):
    row_id = add(store, "Łódź Systemy")
    store.db.execute_sql("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a worker writing meanwhile
    try:
        assert catch_up(store.db) == 0  # no exception: the list reads what it has
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert ids_for(store, text="lodz") == [row_id]


def test_lists_are_complete_while_another_process_holds_the_write_lock(store):
    """Issue 11, finding 4: the derived rows cannot be caught up under another writer's
    lock; the list, search, sort, score filter and stage counts read them on the fly."""
    add_profile(store, {"attribute": "region", "operator": "in", "choices": "emea"})
    old = add(store, "Alpha Old", region="apac")
    catch_up(store.db)
    lodz = add(store, "Łódź Systemy", region="emea", stage="qualified")
    zurich = add(store, "Zürich IT", region="apac")
    store.update(Prospect, old, {"company": "Zeta Renamed", "region": "emea"})
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sync or an import in another window
    try:
        assert catch_up(store.db) == 0  # gave way at once
        assert prospect_ids(store.db, ProspectFilter()) == [lodz, old, zurich]
        assert prospect_ids(store.db, ProspectFilter(text="lodz")) == [lodz]
        assert prospect_ids(store.db, ProspectFilter(text="zeta")) == [old]
        assert prospect_ids(store.db, ProspectFilter(min_score=70)) == [lodz, old]
        assert prospect_ids(store.db, ProspectFilter(), ProspectSort.SCORE, True)[-1] == zurich
        assert stage_counts(store.db, ProspectFilter()) == {"identified": 2, "qualified": 1}
        rows = prospect_rows(store.db, [lodz, old, zurich])
        assert (rows[lodz].score, rows[old].score, rows[zurich].score) == (100, 100, 0)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert catch_up(store.db) == 3
    assert prospect_ids(store.db, ProspectFilter(min_score=70)) == [lodz, old]


def test_a_bulk_tombstone_keeps_the_search_rows_current_without_a_catch_up(store):
    kept, *imported = [add(store, name) for name in ("Kept", "Alpha", "Beta", "Gamma")]
    catch_up(store.db)
    store.update(Prospect, imported[2], {"company": "Gamma Renamed"})  # stale before

    store.set_deleted_many(Prospect, imported, True)

    stale = {row[0] for row in store.db.execute_sql("SELECT prospect_id FROM prospect_stale")}
    assert stale == {imported[2]}  # what was stale stays stale; the rest is current
    assert prospect_ids(store.db, ProspectFilter()) == [kept]  # read before any catch-up
    store.set_deleted_many(Prospect, imported, False)
    assert sorted(ids_for(store)) == sorted([kept, *imported])
    assert ids_for(store, text="renamed") == [imported[2]]
