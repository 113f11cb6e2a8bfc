"""``channeldesk import prospects``, ``export prospects`` and ``prospect move`` (no Qt).

The import checks the whole file first and writes nothing unless every row is valid
(or ``--skip-invalid`` is given); then all rows go in one transaction. ``--dry-run``
prints the plan the real run would carry out (the same counts, merges included) and
writes nothing. A row whose company name alone matches is only a possible duplicate:
added as new unless ``--same-name duplicate`` confirms them. Problems are listed one per
line on stderr, as the GUI's preview shows them. ``prospect move`` runs the same
operation as the Prospects tab's stage move (the prospect and its history entry, in one
transaction).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channeldesk.cli import errors
from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError, writing
from channeldesk.cli.open_db import open_existing
from channeldesk.cli.registry import CommandSet
from channeldesk.domain.prospect import PIPELINE, label
from channeldesk.output_files import OutputRefused, OutputWriteError, check_output
from channeldesk.paths import resolve_db_path
from channeldesk.services.prospect_csv_export import export_prospects
from channeldesk.services.prospect_csv_import import (
    CsvRefused,
    CsvTable,
    DuplicatePolicy,
    ImportFailed,
    ImportPreview,
    KnownCompanies,
    apply_import,
    build_preview,
    plan_import,
    read_file,
)
from channeldesk.services.prospect_operations import move_stage, resolve_prospect
from channeldesk.store import open_store
from channeldesk.sync.state import editor_name

MAX_LISTED = 50
SAME_NAME_CHOICES = ("new", "duplicate")


def _command_error(code_name: str, message: str) -> CommandError:
    return CommandError(getattr(errors, code_name), message)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
    parser.add_argument("--dry-run", action="store_true",
                        help="check the file and show what would be imported; write nothing")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="import the valid rows and leave out rows with errors "
                             "(without it, any error means nothing is imported)")
    parser.add_argument("--duplicates", choices=[p.value for p in DuplicatePolicy],
                        default=DuplicatePolicy.SKIP.value,
                        help="what to do with a row whose company is already a prospect: "
                             "skip it (default) or merge its values into the prospect; "
                             "companies that are already partners are always skipped")
    parser.add_argument("--same-name", choices=SAME_NAME_CHOICES, default="new",
                        help="a row that matches a prospect, partner or earlier row by "
                             "company name only (no same ID or web domain) is a possible "
                             "duplicate: add it as a new prospect (default; 'Acme GmbH' "
                             "and 'Acme Inc.' may be two companies) or treat it as a "
                             "duplicate, as --duplicates says")


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="FILE.csv", required=True, help="the CSV file to write")
    parser.add_argument("--presentation", action="store_true",
                        help="leave out internal-only columns (internal notes, lost reason)")


def import_prospects_command(args: argparse.Namespace) -> int:
    """Check a CSV file and import its prospects, all valid rows or nothing."""
    source = Path(args.file).expanduser()
    try:
        table = read_file(source)
    except CsvRefused as refusal:
        raise _command_error("EXIT_USAGE", f"{refusal} Nothing was imported.") from refusal
    db_path, _ = resolve_db_path(args.db)
    policy = DuplicatePolicy(args.duplicates)
    if args.dry_run and not _holds_data(db_path):
        # A dry run writes nothing, so it does not create the database either.
        plan = plan_import(None, _checked_preview(table, KnownCompanies(), args), policy)
        print(f"Dry run of {source.name} into {db_path} (a new database; none was "
              f"created): {plan.summary()}. Nothing was written.")
        return 0
    store = open_store(db_path)
    try:
        preview = _checked_preview(table, KnownCompanies.load(store), args)
        if args.dry_run:
            plan = plan_import(store, preview, policy)
            print(f"Dry run of {source.name} into {db_path}: {plan.summary()}. Nothing was "
                  "written.")
            return 0
        try:
            result = apply_import(store, preview, policy, skip_invalid=args.skip_invalid)
        except ImportFailed as failure:
            raise _command_error("EXIT_DATABASE", str(failure)) from failure
    finally:
        store.close()
    print(f"Imported {source.name} into {db_path}: {result.summary()}.")
    return 0


def _holds_data(db_path: Path) -> bool:
    return db_path.is_file() and db_path.stat().st_size > 0


def _checked_preview(table: CsvTable, known: KnownCompanies,
                     args: argparse.Namespace) -> ImportPreview:
    """The preview with the user's --same-name choice, its problems listed on stderr;
    refused (exit 2) when rows have errors and --skip-invalid was not given."""
    try:
        preview = build_preview(table, known=known)
    except CsvRefused as refusal:
        raise _command_error("EXIT_USAGE", f"{refusal} Nothing was imported.") from refusal
    if args.same_name == "duplicate":
        preview.confirm_same_company()
    _report(preview)
    if preview.invalid and not args.skip_invalid:
        raise _command_error("EXIT_USAGE", (
            f"{len(preview.invalid):,} of {len(preview.rows):,} rows have errors (listed "
            "above), so nothing was imported. Fix them, or add --skip-invalid to import "
            "the other rows."))
    return preview


def _report(preview: ImportPreview) -> None:
    for note in preview.notes:
        print(note, file=sys.stderr)
    issues = preview.issues()
    for issue in issues[:MAX_LISTED]:
        print(issue, file=sys.stderr)
    if len(issues) > MAX_LISTED:
        print(f"… and {len(issues) - MAX_LISTED:,} more.", file=sys.stderr)
    possible = [row for row in preview.possible_duplicates if not row.confirmed]
    if possible:
        print(f"{len(possible):,} row(s) match only by company name and are added as new "
              "prospects; add --same-name duplicate if they are the same companies.",
              file=sys.stderr)


def export_prospects_command(args: argparse.Namespace) -> int:
    """Write every live prospect to a CSV file the importer reads back."""
    target = Path(args.out).expanduser().absolute()
    try:
        check_output(target, example="prospects.csv")
    except OutputRefused as refusal:
        raise CommandError(EXIT_USAGE, f"--out: {refusal}") from refusal
    store = open_existing(args.db)
    try:
        count = export_prospects(store, target, include_internal=not args.presentation)
    except OutputRefused as refusal:
        raise CommandError(EXIT_USAGE, f"--out: {refusal}") from refusal
    except OutputWriteError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    finally:
        store.close()
    print(f"Exported {count:,} prospects to {target}.")
    return 0


# -- prospect move ---------------------------------------------------------------------------

def stage_code(text: str) -> str:
    """A stage as typed ('qualified', 'Qualified'), as its code; a one-line refusal
    listing the stages otherwise."""
    wanted = text.strip().casefold()
    for stage in PIPELINE:
        if wanted in (stage.value, label(stage).casefold()):
            return stage.value
    raise CommandError(EXIT_USAGE, f"'{text}' is not a pipeline stage. Use one of: "
                                   f"{', '.join(stage.value for stage in PIPELINE)}.")


def move_prospect_command(args: argparse.Namespace) -> int:
    """Move one prospect to another stage, with its history entry, as the app does."""
    target = stage_code(args.stage)
    store = open_existing(args.db)
    try:
        with writing():
            prospect = resolve_prospect(args.company)
            move_stage(store, prospect.id, target, args.reason or "",
                       changed_by=editor_name(store.db.connection()))
    finally:
        store.close()
    reason = f" ({args.reason.strip()})" if target == "lost" and args.reason else ""
    print(f"Moved {prospect.company} from {label(prospect.stage)} to {label(target)}"
          f"{reason}.")
    return EXIT_OK


def register(commands: CommandSet) -> None:
    """import prospects, export prospects, prospect move."""
    add_import_arguments(commands.group("import").add(
        "prospects", import_prospects_command,
        "prospects from a CSV file (Salesforce, HubSpot or plain headers)",
        "Checks every row first; any error means nothing is imported (exit 2) unless "
        "--skip-invalid. Then all rows are written in one transaction. A row is matched "
        "to an existing prospect by its ChannelDesk ID (an export carries it), then by web "
        "domain; a company name alone is only a possible duplicate (see --same-name). "
        "--dry-run prints the counts the real run would report, and writes nothing."))
    add_export_arguments(commands.group("export").add(
        "prospects", export_prospects_command,
        "every prospect to a CSV file that imports again",
        "Writes UTF-8 CSV with the importer's headers and each prospect's ChannelDesk ID, "
        "so that importing it again matches every row; a cell a spreadsheet would run as a "
        "formula gets a leading ' (the importer removes it). --presentation leaves out "
        "internal-only columns. The database must exist."))
    actions = commands.group("prospect", "change a prospect: channeldesk prospect ACTION ...",
                             "The same changes as in the Prospects tab, each in one "
                             "transaction, journalled and synced like an edit in the app.",
                             word="ACTION")
    move = actions.add("move", move_prospect_command,
                       "move a prospect to another pipeline stage",
                       "Moves the prospect and records the move in its stage history (who, "
                       "when, from and to). COMPANY is the company name, part of it, or the "
                       "prospect's id; a name that matches several prospects lists them and "
                       "changes nothing (exit 2). Moving to lost needs --reason.")
    move.add_argument("company", metavar="COMPANY", help="the company name (or part of it) or id")
    move.add_argument("stage", metavar="STAGE",
                      help=f"the new stage: {', '.join(stage.value for stage in PIPELINE)}")
    move.add_argument("--reason", metavar="TEXT",
                      help="why the prospect was lost (required when STAGE is lost)")
