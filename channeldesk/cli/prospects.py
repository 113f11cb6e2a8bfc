"""``channeldesk import prospects``, ``export prospects`` and ``prospect move`` (no Qt).

The import checks the whole file first and writes nothing unless every row is valid
(or ``--skip-invalid`` is given); then all rows go in one transaction. ``--dry-run``
stops after the check. Problems are listed one per line on stderr, as the GUI's preview
shows them. ``prospect move`` runs the same operation as the Prospects tab's stage move
(the prospect and its history entry, in one transaction).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channeldesk.cli import errors
from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError, writing
from channeldesk.cli.registry import CommandSet
from channeldesk.domain.prospect import PIPELINE, label
from channeldesk.paths import resolve_db_path
from channeldesk.services.prospect_csv_export import export_prospects
from channeldesk.services.prospect_csv_import import (
    CsvRefused,
    DuplicatePolicy,
    ImportPreview,
    KnownCompanies,
    apply_import,
    build_preview,
    read_file,
)
from channeldesk.services.prospect_operations import move_stage, resolve_prospect
from channeldesk.store import open_store
from channeldesk.sync.state import editor_name

MAX_LISTED = 50


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
    store = open_store(db_path)
    try:
        try:
            preview = build_preview(table, known=KnownCompanies.load(store))
        except CsvRefused as refusal:
            raise _command_error("EXIT_USAGE", f"{refusal} Nothing was imported.") from refusal
        _report(preview)
        if preview.invalid and not args.skip_invalid:
            raise _command_error("EXIT_USAGE", (
                f"{len(preview.invalid):,} of {len(preview.rows):,} rows have errors (listed "
                "above), so nothing was imported. Fix them, or add --skip-invalid to import "
                "the other rows."))
        if args.dry_run:
            print(f"Dry run: {_would(preview, args)}. Nothing was written.")
            return 0
        result = apply_import(store, preview, DuplicatePolicy(args.duplicates),
                              skip_invalid=args.skip_invalid)
    finally:
        store.close()
    print(f"Imported {source.name} into {db_path}: {result.summary()}.")
    return 0


def _would(preview: ImportPreview, args: argparse.Namespace) -> str:
    valid = [row for row in preview.rows if row.valid]
    merge = args.duplicates == DuplicatePolicy.MERGE.value
    merged = sum(1 for row in valid if row.duplicate and row.duplicate.kind == "prospect"
                 and merge)
    skipped = sum(1 for row in valid if row.duplicate) - merged
    added = len(valid) - merged - skipped
    return (f"{added:,} would be added, {merged:,} merged, {skipped:,} duplicates skipped, "
            f"{len(preview.invalid):,} invalid rows left out")


def _report(preview: ImportPreview) -> None:
    for note in preview.notes:
        print(note, file=sys.stderr)
    issues = preview.issues()
    for issue in issues[:MAX_LISTED]:
        print(issue, file=sys.stderr)
    if len(issues) > MAX_LISTED:
        print(f"… and {len(issues) - MAX_LISTED:,} more.", file=sys.stderr)


def export_prospects_command(args: argparse.Namespace) -> int:
    """Write every live prospect to a CSV file the importer reads back."""
    target = Path(args.out).expanduser().absolute()
    if target.is_dir() or not target.parent.is_dir():
        raise _command_error("EXIT_USAGE", f"--out {target}: name a file in an existing "
                                           "folder.")
    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
    try:
        count = export_prospects(store, target, include_internal=not args.presentation)
    except OSError as error:
        raise _command_error("EXIT_USAGE", f"Cannot write {target}: {error.strerror}. "
                                           "Nothing was written.") from error
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
    db_path, _ = resolve_db_path(args.db)
    store = open_store(db_path)
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
        "--skip-invalid. Then all rows are written in one transaction."))
    add_export_arguments(commands.group("export").add(
        "prospects", export_prospects_command,
        "every prospect to a CSV file that imports again",
        "Writes UTF-8 CSV with the importer's headers; --presentation leaves out "
        "internal-only columns."))
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
