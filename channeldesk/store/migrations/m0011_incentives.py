"""Incentives: programs, fund allocations, claims with their timeline and proof, the fund
ledger and partners' sales reports (see ``docs/incentives.md``).

Every table is synced. Balances are never stored: they are sums over
``fund_ledger_entry``. A claim's timeline and ledger rows take ids derived from the claim
and its step number, so two devices taking the same step offline write the same rows
and meet as a conflict instead of adding up.
"""

import sqlite3

VERSION = 11
TITLE = "incentives"

SYNCED = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,"""

SCHEMA = f"""
CREATE TABLE incentive_program ({SYNCED}
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'mdf',
    period TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    partner_types TEXT NOT NULL DEFAULT '',
    tiers TEXT NOT NULL DEFAULT '',
    claim_deadline_days INTEGER NOT NULL DEFAULT 60,
    preapproval_valid_days INTEGER NOT NULL DEFAULT 90,
    reimbursement_pct INTEGER NOT NULL DEFAULT 50,
    proof_rules TEXT NOT NULL DEFAULT '',
    accrual_bp INTEGER NOT NULL DEFAULT 0,
    rebate_basis TEXT NOT NULL DEFAULT 'sales',
    rebate_tiers TEXT NOT NULL DEFAULT '',
    spiff_amount INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incentive_program_name ON incentive_program (deleted, name);
CREATE TABLE fund_allocation ({SYNCED}
    program_id TEXT NOT NULL REFERENCES incentive_program (id) DEFERRABLE INITIALLY DEFERRED,
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    period TEXT NOT NULL,
    expires_on TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fund_allocation_partner ON fund_allocation (partner_id, program_id);
CREATE INDEX fund_allocation_expiry ON fund_allocation (deleted, expires_on);
CREATE TABLE sales_report ({SYNCED}
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    period TEXT NOT NULL,
    currency TEXT NOT NULL,
    sales INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sales_report_partner ON sales_report (partner_id, period);
CREATE TABLE claim ({SYNCED}
    program_id TEXT NOT NULL REFERENCES incentive_program (id) DEFERRABLE INITIALLY DEFERRED,
    partner_id TEXT NOT NULL REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    title TEXT NOT NULL,
    activity_type TEXT NOT NULL DEFAULT 'event',
    activity_start TEXT,
    activity_end TEXT,
    currency TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    step INTEGER NOT NULL DEFAULT 0,
    requested INTEGER NOT NULL DEFAULT 0,
    activity_cost INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    deal_ref TEXT NOT NULL DEFAULT '',
    revenue_influenced INTEGER NOT NULL DEFAULT 0,
    preapproval_expires_on TEXT,
    claim_submitted_on TEXT,
    description TEXT NOT NULL DEFAULT '',
    internal_notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claim_list ON claim (deleted, state, program_id);
CREATE INDEX claim_partner ON claim (partner_id, program_id);
CREATE INDEX claim_recent ON claim (deleted, updated_at);
CREATE TABLE claim_transition ({SYNCED}
    claim_id TEXT NOT NULL REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    step INTEGER NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    actor TEXT NOT NULL DEFAULT '',
    occurred_at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    write_token TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claim_transition_claim ON claim_transition (claim_id, step);
CREATE TABLE claim_proof ({SYNCED}
    claim_id TEXT NOT NULL REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    proof_kind TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    blob TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claim_proof_claim ON claim_proof (claim_id);
CREATE TABLE fund_ledger_entry ({SYNCED}
    program_id TEXT NOT NULL REFERENCES incentive_program (id) DEFERRABLE INITIALLY DEFERRED,
    partner_id TEXT REFERENCES partner (id) DEFERRABLE INITIALLY DEFERRED,
    claim_id TEXT REFERENCES claim (id) DEFERRABLE INITIALLY DEFERRED,
    allocation_id TEXT REFERENCES fund_allocation (id) DEFERRABLE INITIALLY DEFERRED,
    sales_report_id TEXT REFERENCES sales_report (id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL,
    amount INTEGER NOT NULL DEFAULT 0,
    entry_date TEXT NOT NULL,
    period TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT '',
    memo TEXT NOT NULL DEFAULT '',
    write_token TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fund_ledger_partner ON fund_ledger_entry (partner_id, program_id, kind, amount);
CREATE INDEX fund_ledger_claim ON fund_ledger_entry (claim_id);
CREATE INDEX fund_ledger_program ON fund_ledger_entry (program_id, kind)
"""


def apply(conn: sqlite3.Connection) -> None:
    # Statement by statement: executescript would commit the migrations' transaction.
    for statement in SCHEMA.split(";\n"):
        if statement.strip():
            conn.execute(statement)
