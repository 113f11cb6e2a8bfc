"""``channeldesk import prospects`` and ``channeldesk export prospects`` (no Qt).

The import checks the whole file first and writes nothing unless every row is valid
(or ``--skip-invalid`` is given); then all rows go in one transaction. ``--dry-run``
stops after the check. Problems are listed one per line on stderr, as the GUI's preview
shows them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channeldesk.cli import errors
from channeldesk.cli.errors import CommandError
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
from channeldesk.store import open_store

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
