"""``channeldesk export statement|claims|ledger``: a partner's fund statement as PDF and
the claims or the fund ledger as CSV for finance. No Qt; exit codes per ``errors.py``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from channeldesk.cli.open_db import open_existing
from channeldesk.cli.output_args import output_target, read_branding
from channeldesk.cli.registry import CommandSet
from channeldesk.output_files import OutputRefused, OutputWriteError
from channeldesk.services import incentive_export
from channeldesk.services.csv_reading import CsvRefused, read_file
from channeldesk.services.plan_export import ExportError
from channeldesk.services.sales_report_import import apply_sales_import, build_sales_preview


def export_statement_command(args: argparse.Namespace) -> int:
    """``export statement``: check --out and --branding first, then write the PDF."""
    out = output_target(args.out, example="fund-statement.pdf")
    branding = read_branding(args)
    store = open_existing(args.db)
    try:
        statement = incentive_export.export_statement(store, args.partner, args.period, out,
                                                      branding)
    except (ExportError, OutputRefused, OutputWriteError) as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    finally:
        store.close()
    print(f"Wrote the {statement.period} fund statement of {statement.partner_name} "
          f"({len(statement.programs)} programs) to {out}.")
    return EXIT_OK


def _csv_command(what: str):
    def command(args: argparse.Namespace) -> int:
        out = output_target(args.out, example=f"incentive-{what}.csv")
        store = open_existing(args.db)
        try:
            count = incentive_export.write_csv(store, what, out)
        except (OutputRefused, OutputWriteError) as error:
            raise CommandError(EXIT_USAGE, str(error)) from error
        finally:
            store.close()
        print(f"Wrote {count} {what} rows to {out}.")
        return EXIT_OK
    return command


def import_sales_command(args: argparse.Namespace) -> int:
    """Preview the file and list its problems; import the valid rows unless --dry-run.
    The database must exist (its partners are what the rows name): a mistyped --db is
    refused, never created, with or without --dry-run."""
    store = open_existing(args.db)
    try:
        try:
            preview = build_sales_preview(read_file(args.file))
        except CsvRefused as refusal:
            raise CommandError(EXIT_USAGE, f"{refusal} Nothing was imported.") from refusal
        for issue in preview.issues():
            print(issue, file=sys.stderr)
        print(f"{Path(args.file).name}: {preview.summary()}.")
        if args.dry_run or not preview.valid_rows:
            return EXIT_USAGE if preview.issues() else EXIT_OK
        result = apply_sales_import(store, preview, Path(args.file).name).value
    finally:
        store.close()
    print(f"Imported {result.reports} sales reports; co-op accrued on them.")
    return EXIT_OK


def register(commands: CommandSet) -> None:
    """export statement, export claims, export ledger, import sales."""
    sales = commands.group("import").add(
        "sales", import_sales_command, "partners' sales reports from a CSV file",
        "Columns Partner, Period, Currency, Sales (Units optional). Every bad row is "
        "listed with its number; the valid rows are imported and accrue co-op funds.")
    sales.add_argument("file", metavar="FILE.csv", help="the CSV file")
    sales.add_argument("--dry-run", action="store_true",
                       help="only check the file and list its problems")
    kinds = commands.group("export")
    statement = kinds.add("statement", export_statement_command,
                          "one partner's fund statement for a period",
                          "Each program's balances at the start and end of the period, every "
                          "movement of the fund ledger in between and the claims with ROI.")
    statement.add_argument("--partner", required=True, metavar="NAME_OR_ID",
                           help="the partner's name (or part of it) or id")
    statement.add_argument("--period", required=True, metavar="P",
                           help="FY2026, 2026-H1 or 2026-Q3")
    statement.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    statement.add_argument("--branding", metavar="FILE", help="a branding JSON file")
    for what, summary in (("claims", "every claim with its amounts, as CSV for finance"),
                          ("ledger", "every fund ledger entry, as CSV for finance")):
        parser = kinds.add(what, _csv_command(what), summary,
                           "Cells a spreadsheet would run as formulas are written as text.")
        parser.add_argument("--out", required=True, metavar="FILE.csv",
                            help="the CSV to write")
