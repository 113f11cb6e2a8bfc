"""The CSV importer: encodings, delimiters, CRM headers, every bad input, all or nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channeldesk.domain.progress import Cancelled
from channeldesk.services.prospect_csv_import import (
    MAX_BYTES,
    CsvRefused,
    DuplicatePolicy,
    ImportFailed,
    KnownCompanies,
    apply_import,
    auto_mapping,
    build_preview,
    read_bytes,
    read_file,
    redo_import,
    undo_import,
)
from channeldesk.store import open_store
from channeldesk.store.models import Change, Partner, Prospect

SALESFORCE_LEADS = (
    "First Name,Last Name,Company,Email,Phone,Lead Source,Lead Status,Industry,"
    "No. of Employees,Annual Revenue,Country,Lead Owner\n"
    'Ana,Łukasik,"Łódź Systemy, Sp. z o.o.",ana@lodz.example,+48 42 555 0101,Trade Show,'
    'Working - Contacted,Healthcare,"1,200","$2,500,000.00",Poland,Sam Rivera\n'
)
HUBSPOT_COMPANIES = (
    "Company name\tCompany Domain Name\tIndustry\tNumber of Employees\tAnnual Revenue\t"
    "Country/Region\tCompany owner\tLifecycle Stage\n"
    "Nordlys AS\tnordlys.example\tFinance\t51-200\t900000\tNorway\tKim Berg\tLead\n"
)


def preview_of(text: str | bytes, store=None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    known = KnownCompanies.load(store) if store is not None else None
    return build_preview(read_bytes(data, "test.csv"), known=known)


def snapshot(store) -> tuple[int, int]:
    return Prospect.select().count(), Change.select().count()


def test_salesforce_leads_map_and_read():
    preview = preview_of(SALESFORCE_LEADS)
    assert preview.notes == []
    [row] = preview.rows
    assert row.valid, row.issues
    assert row.values == {
        "contact_name": "Ana Łukasik", "company": "Łódź Systemy, Sp. z o.o.",
        "contact_email": "ana@lodz.example", "contact_phone": "+48 42 555 0101",
        "source": "event", "stage": "contacted", "vertical": "Healthcare", "employees": 1200,
        "annual_revenue_minor": 250_000_000, "currency": "USD", "country": "Poland",
        "owner": "Sam Rivera"}


def test_hubspot_companies_tab_separated_with_a_range():
    preview = preview_of(HUBSPOT_COMPANIES)
    [row] = preview.rows
    assert preview.table.delimiter == "\t"
    assert row.values["website"] == "https://nordlys.example"
    assert row.values["employees"] == 51
    assert [str(i) for i in row.issues] == [
        "Row 2: warning: 'Number of Employees' is '51-200': a range; its lower bound was used."]
    assert row.valid


def test_utf8_bom_windows_1252_and_utf16():
    text = "Company;Country\nCafé Müller;Österreich\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252"),
                 text.encode("utf-16")):
        preview = preview_of(data)
        assert preview.rows[0].values == {"company": "Café Müller", "country": "Österreich"}
    assert preview_of(text.encode("cp1252")).notes[0].startswith("The file is not UTF-8")


def test_quoted_delimiters_and_newlines():
    preview = preview_of('Company,Internal notes\n"Acme, Inc.","line one\nline two"\nBeta,x\n')
    assert [r.values["company"] for r in preview.rows] == ["Acme, Inc.", "Beta"]
    assert preview.rows[0].values["internal_notes"] == "line one\nline two"
    assert [r.number for r in preview.rows] == [2, 3]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"  \n\n", "is empty"),
    (b"Company,Website\n", "header but no rows"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 20, "not a text file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    (b"Company\n\x81\x8d\x8f\x90\x9d\n", "neither UTF-8 nor Windows-1252"),
    (b"\xef\xbb\xbfCompany\n\xff\xfe\n", "not valid utf-8-sig"),
])
def test_files_refused_as_a_whole(data, message):
    with pytest.raises(CsvRefused, match=message):
        read_bytes(data, "test.csv")


def test_without_a_company_column_it_says_so():
    with pytest.raises(CsvRefused, match="No column is mapped to Company"):
        preview_of("Website,Country\nacme.com,France\n")
    with pytest.raises(CsvRefused, match="More than one column"):
        build_preview(read_bytes(b"A,B\nx,y\n"), ["company", "company"])


def test_bad_cells_are_named_with_row_column_and_value():
    preview = preview_of(
        "Company,Employees,Annual revenue,Next step date,Region,Website\n"
        "Acme,n/a,1000,2026-02-30,EMEA,acme.com\n"
        "Beta,-5,n/a,2026-03-01,Mars,beta.com\n"
        ",10,,,,\n"
        "Gamma,10,5,,,not a website\n")
    assert [str(i) for i in preview.issues()] == [
        "Row 2: 'Employees' is 'n/a': expected a whole number of employees, e.g. 250.",
        "Row 2: 'Next step date' is '2026-02-30': expected a date such as 2026-03-31.",
        "Row 3: 'Employees' is '-5': employees cannot be negative.",
        "Row 3: 'Annual revenue' is 'n/a': expected an amount such as 1250000 or "
        "1,250,000.50.",
        "Row 3: warning: 'Region' is 'Mars': not a region ChannelDesk knows; left empty.",
        "Row 4: 'Company' is '': every prospect needs a company name.",
        "Row 5: 'Website' is 'not a website': enter a web address like example.com or "
        "https://example.com.",
    ]
    assert [row.valid for row in preview.rows] == [False, False, False, False]


def test_ragged_rows():
    preview = preview_of("Company,Country,Owner\nAcme,France\nBeta,Spain,Kim,extra\n"
                         "Gamma,Italy,Kim,,\n")
    short, long, trailing = preview.rows
    assert short.valid and "missing ones are left empty" in str(short.issues[0])
    assert not long.valid and "4 values but the header names 3" in str(long.issues[0])
    assert trailing.valid and not trailing.issues


def test_unmapped_columns_are_noted_and_first_last_names_join():
    assert auto_mapping(["Account Name", "Foo", "First Name", "Last Name"]) == [
        "company", None, "contact_first_name", "contact_name"]
    assert preview_of("Company,Foo\nAcme,1\n").notes == [
        "Column 'Foo' is not imported (map it to a field to keep it)."]


def test_nothing_is_written_when_a_row_is_invalid(store):
    preview = preview_of("Company,Employees\nAcme,10\nBeta,n/a\n", store)
    before = snapshot(store)
    with pytest.raises(CsvRefused, match="1 of 2 rows have errors, so nothing was imported"):
        apply_import(store, preview)
    assert snapshot(store) == before
    result = apply_import(store, preview, skip_invalid=True)
    assert len(result.created) == 1 and result.skipped_invalid == 1
    assert [p.company for p in Prospect.select()] == ["Acme"]


def test_duplicates_of_partners_prospects_and_earlier_rows(store):
    store.insert(Partner, {"name": "Acme GmbH", "partner_type": "msp", "tier": "gold",
                           "status": "active", "region": "emea",
                           "website": "https://www.acme.example"})
    beta = store.insert(Prospect, {"company": "Beta Ltd", "country": "UK"})
    preview = preview_of(
        "Company,Website,Country,Owner\n"
        "ACME,acme.example,Germany,Sam\n"     # same domain as the partner
        "Beta,,Ireland,Kim\n"                 # same name as a prospect
        "Gamma,gamma.example,,\n"
        "Gamma Inc.,,,\n", store)             # same as the row before
    kinds = [row.duplicate.kind if row.duplicate else None for row in preview.rows]
    assert kinds == ["partner", "prospect", None, "row"]
    assert "already a partner: Acme GmbH (same domain acme.example)" in str(
        preview.rows[0].issues[0])
    # a name alone is only a possible duplicate, counted once the user confirms it
    assert [row.number for row in preview.possible_duplicates] == [3, 5]
    preview.confirm_same_company([3, 5])
    result = apply_import(store, preview, DuplicatePolicy.MERGE)
    assert len(result.created) == 1 and result.skipped_duplicates == 2
    assert result.merged == {beta: {"country": "UK", "owner": ""}}
    assert store.get(Prospect, beta).country == "Ireland"
    # undo and redo as one step each
    undo_import(store, result)
    assert store.get(Prospect, beta).country == "UK"
    assert store.get(Prospect, result.created[0]).deleted
    redo_import(store, result)
    assert store.get(Prospect, beta).country == "Ireland"
    assert not store.get(Prospect, result.created[0]).deleted


def test_two_rows_matching_one_prospect_merge_once_and_undo_exactly(store):
    acme = store.insert(Prospect, {"company": "Acme", "owner": "Alice", "next_step": "orig",
                                   "website": "https://acme.example"})
    preview = preview_of("Company,Owner,Next step,Website\nAcme,Bob,call,acme.example\n"
                         "ACME,Carol,email,acme.example\n", store)
    assert [row.duplicate.kind for row in preview.rows] == ["prospect", "row"]
    assert "both match the prospect Acme" in str(preview.rows[1].issues[0])
    result = apply_import(store, preview, DuplicatePolicy.MERGE)
    assert (store.get(Prospect, acme).owner, result.skipped_duplicates) == ("Bob", 1)
    undo_import(store, result)
    assert (store.get(Prospect, acme).owner, store.get(Prospect, acme).next_step) == (
        "Alice", "orig")


def test_undo_and_redo_of_a_large_import_are_journalled_in_bulk(store):
    rows = "".join(f"Company {n},Owner {n}\n" for n in range(1500))
    result = apply_import(store, preview_of("Company,Owner\n" + rows, store))
    journal = Change.select().count()
    undo_import(store, result)
    assert Prospect.live().count() == 0
    assert Change.select().count() == journal + 1500  # one 'deleted' entry per prospect
    redo_import(store, result)
    assert Prospect.live().count() == 1500
    assert Change.select().where(Change.field == "deleted").count() == 1500 * 2
    assert Change.select().where(Change.field == "*").count() == 1500  # one per record


def test_cancel_leaves_nothing(store):
    preview = preview_of("Company\n" + "".join(f"Co {n}\n" for n in range(50)), store)
    before = snapshot(store)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        apply_import(store, preview, cancel=cancel)
    assert snapshot(store) == before


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(CsvRefused, match=r"is 32\.0 MB; ChannelDesk imports CSV files up to"):
        read_file(big)
    with pytest.raises(CsvRefused, match="does not exist"):
        read_file(tmp_path / "missing.csv")
    with pytest.raises(CsvRefused, match="is a folder"):
        read_file(tmp_path)


csv_alphabet = st.sampled_from([*'abcÄé,;\t"\n\r 0123456789-$.n/', "\x00", "\x81"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(csv_alphabet, max_size=300).map(str.encode),
                 st.binary(max_size=300),
                 st.text(csv_alphabet, max_size=200).map(lambda t: ("Company,Employees,"
                                                                    "Annual revenue\n" + t)
                                                         .encode("cp1252", "replace"))))
def test_random_csv_never_crashes_and_never_writes_on_failure(store, data):
    before = snapshot(store)
    try:
        preview = build_preview(read_bytes(data, "random.csv"), known=KnownCompanies.load(store))
    except CsvRefused as refusal:
        assert str(refusal)
        assert snapshot(store) == before
        return
    for issue in preview.issues():
        assert str(issue).startswith(f"Row {issue.row}: ")
    try:
        result = apply_import(store, preview)
    except CsvRefused:
        assert preview.invalid
        assert snapshot(store) == before
        return
    assert not preview.invalid
    assert Prospect.select().count() == before[0] + len(result.created)


# -- issue 11: a stray quote, possible duplicates, a full disk ---------------------------

def test_an_unterminated_quote_is_reported_with_the_rows_it_swallowed():
    rows = [f"Company {n},Germany,Sam" for n in range(1, 1011)]
    rows[10] = '"Broken Co, Germany,Sam'  # line 12 of the file: the quote never closes
    text = "Company,Country,Owner\n" + "\n".join(rows) + "\n"
    with pytest.raises(CsvRefused) as refused:
        read_bytes(text.encode(), "leads.csv")
    message = str(refused.value)
    assert "row 12 (line 12) has an opening quote that is never closed" in message
    assert "lines 12–1011 (999 rows after it) were read as one value" in message
    assert "Close or remove the quote in line 12" in message


def test_a_quote_closed_by_a_later_row_is_caught_too():
    text = ('Company,Country\nAcme,"Germany\nBeta,France\nGamma,Spain\nDelta,"Italy"\n'
            "Omega,Peru\n")
    with pytest.raises(CsvRefused, match=r"row 2 \(line 2\).*lines 2–5 \(3 rows after it\)"):
        read_bytes(text.encode())


def test_a_note_with_line_breaks_is_still_one_value():
    text = 'Company,Country,Next step\nAcme,Germany,"Call Anna\nthen send the deck"\n'
    table = read_bytes(text.encode())
    assert table.rows[0][1][2] == "Call Anna\nthen send the deck"


def test_a_name_match_alone_is_only_a_possible_duplicate(store):
    gmbh = store.insert(Prospect, {"company": "Ålesund Digital GmbH",
                                   "website": "https://alesund.de"})
    preview = preview_of("Company,Website\nÅlesund Digital Inc.,alesund.com\n", store)
    row = preview.rows[0]
    assert row.duplicate.row_id == gmbh and not row.duplicate.sure
    assert preview.duplicates == [] and preview.possible_duplicates == [row]
    assert "possibly the same company as the prospect Ålesund Digital GmbH" in str(
        row.issues[0])
    result = apply_import(store, preview)
    assert len(result.created) == 1 and result.skipped_duplicates == 0


def test_a_row_carrying_an_id_matches_that_record_before_any_name(store):
    acme = store.insert(Prospect, {"company": "Acme", "owner": "Alice"})
    preview = preview_of(f"Company,Owner,ChannelDesk ID\nAcme Renamed,Bob,{acme}\n", store)
    assert preview.rows[0].duplicate.reason == "the same record, by its ChannelDesk ID"
    result = apply_import(store, preview, DuplicatePolicy.MERGE)
    assert list(result.merged) == [acme] and store.get(Prospect, acme).owner == "Bob"
    assert store.get(Prospect, acme).company == "Acme"  # a merge keeps the name


def test_rows_with_different_ids_are_different_records_even_with_one_name(store):
    preview = preview_of("Company,Website,ChannelDesk ID\nÅlesund Digital,alesund.example,a\n"
                         "Ålesund Digital GmbH,alesund.example,b\n", store)
    assert [row.duplicate for row in preview.rows] == [None, None]
    assert len(apply_import(store, preview).created) == 2


def test_a_full_disk_rolls_the_import_back_with_one_clear_message(small_disk):
    store = open_store(small_disk / "db.sqlite3")
    try:
        text = "Company,Next step\n" + "".join(f"Company {n},{'call ' * 40}\n"
                                               for n in range(20_000))
        preview = build_preview(read_bytes(text.encode()), known=KnownCompanies.load(store))
        with pytest.raises(ImportFailed) as failed:
            apply_import(store, preview)
        assert str(failed.value).startswith("The disk holding db.sqlite3 is full, so nothing "
                                            "was imported")
        assert Prospect.select().count() == 0 and Change.select().count() == 0
    finally:
        store.close()
