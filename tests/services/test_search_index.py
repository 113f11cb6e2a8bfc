"""Search everywhere's index: every kind of record found, accents optional, kept current."""

from __future__ import annotations

from datetime import date

import pytest

from channeldesk.domain.progress import Cancelled
from channeldesk.services.demo_data import load_demo_data
from channeldesk.services.lookups import search_texts
from channeldesk.services.search_index import grouped_search, refresh
from channeldesk.store import Store
from channeldesk.store import search_index as store_index
from channeldesk.store.models import Contact, Partner, Prospect
from channeldesk.store.search_index import fts_query, search

TODAY = date(2026, 11, 16)


@pytest.fixture
def loaded(store: Store) -> Store:
    load_demo_data(store, today=TODAY)
    refresh(store.db)
    return store


def test_every_record_of_every_provider_is_found_by_its_title(loaded):
    texts = list(search_texts(loaded.db))
    assert {t.table for t in texts} >= {"partner", "contact", "prospect", "business_plan"}
    for text in texts[::7]:  # a spread of every kind
        hits = search(loaded.db, text.title, limit=1000)
        assert (text.table, text.record_id) in {(h.table, h.record_id) for h in hits}, text


def test_accents_case_and_special_letters_are_optional(store):
    partner = store.insert(Partner, {"name": "Łódź Systemy Sp. z o.o.", "partner_type": "msp",
                                     "tier": "gold", "status": "active", "region": "emea"})
    refresh(store.db)
    for typed in ("lodz", "ŁÓDŹ", "Lodz sys", "systemy lód"):
        assert [h.record_id for h in search(store.db, typed)] == [partner], typed


def test_operators_and_quotes_in_what_is_typed_are_searched_for_not_run(store):
    assert fts_query('acme" OR *') == '"acme"* "or"* "*"*'
    refresh(store.db)
    for typed in ('"', "AND", "a:b", "(", "NEAR(x y)", "-x"):
        search(store.db, typed)  # never an FTS syntax error


def test_an_edit_a_new_record_and_a_deletion_are_found_after_a_refresh(loaded):
    prospect = loaded.insert(Prospect, {"company": "Zebrafish Analytics", "stage": "qualified"})
    partner = Partner.live().first()
    loaded.update(Partner, partner.id, {"name": "Quokka Cloud Partners"})
    rebuilt = refresh(loaded.db)
    assert set(rebuilt) == {"prospects", "partners", "plans"}  # plans name their partner
    assert [h.record_id for h in search(loaded.db, "zebrafish")] == [prospect]
    plans = [h for h in search(loaded.db, "quokka") if h.table == "business_plan"]
    assert {h.table for h in search(loaded.db, "quokka")} >= {"partner"}
    assert all("Quokka" in h.title for h in plans)
    loaded.delete(Prospect, prospect)
    refresh(loaded.db)
    assert search(loaded.db, "zebrafish") == []


def test_nothing_changed_means_nothing_rebuilt(loaded):
    assert refresh(loaded.db) == []


def test_results_are_grouped_by_kind_partners_before_contacts(store):
    acme = store.insert(Partner, {"name": "Acme Resellers", "partner_type": "reseller",
                                  "tier": "gold", "status": "active", "region": "emea"})
    store.insert(Contact, {"partner": acme, "name": "Ann Acme", "email": "ann@acme.example"})
    store.insert(Prospect, {"company": "Acme Labs", "stage": "identified"})
    refresh(store.db)
    groups = grouped_search(store.db, "acme")
    assert list(groups) == ["prospect", "partner", "contact"]  # feature order, then parents


class CancelAfter:
    """A cancel token that is set after it has been asked ``times`` times."""

    def __init__(self, times: int) -> None:
        self.asked, self.times = 0, times

    def is_set(self) -> bool:
        self.asked += 1
        return self.asked > self.times


def test_a_rebuild_stops_between_chunks_and_is_done_again_next_time(loaded, monkeypatch):
    monkeypatch.setattr(store_index, "CHUNK", 20)
    prospects = [t for t in search_texts(loaded.db) if t.table == "prospect"]
    assert len(prospects) > 60  # several chunks
    token = CancelAfter(2)  # refresh asks once per feature, then once per chunk
    with pytest.raises(Cancelled):
        refresh(loaded.db, cancel=token, force=True)
    partial = loaded.db.execute_sql("SELECT count(*) FROM search_index "
                                    "WHERE tbl = 'prospect'").fetchone()[0]
    assert partial < len(prospects)  # stopped inside a feature, not after it
    # Nothing changed in the tables, yet the interrupted part is rebuilt, not kept partial.
    refresh(loaded.db)
    assert loaded.db.execute_sql("SELECT count(*) FROM search_index "
                                 "WHERE tbl = 'prospect'").fetchone()[0] == len(prospects)
