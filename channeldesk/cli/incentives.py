"""``channeldesk export statement|claims|ledger``: a partner's fund statement as PDF and
the claims or the fund ledger as CSV for finance. No Qt; exit codes per ``errors.py``."""

from __future__ import annotations

import argparse
from pathlib import Path

from channeldesk.cli.errors import EXIT_OK, EXIT_USAGE, CommandError
from channeldesk.cli.plans import _branding, _pdf_target
from channeldesk.cli.registry import CommandSet
from channeldesk.paths import resolve_db_path
from channeldesk.services import incentive_export
from channeldesk.services.pdf.build import ExportWriteError
from channeldesk.services.plan_export import ExportError
from channeldesk.store import open_store


def export_statement_command(args: argparse.Namespace) -> int:
    out = _pdf_target(args.out)
    branding = _branding(args)
    store = open_store(resolve_db_path(args.db)[0])
    try:
        statement = incentive_export.export_statement(store, args.partner, args.period, out,
                                                      branding)
    except (ExportError, ExportWriteError) as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    finally:
        store.close()
    print(f"Wrote the {statement.period} fund statement of {statement.partner_name} "
          f"({len(statement.programs)} programs) to {out}.")
    return EXIT_OK


def _csv_command(what: str):
    def command(args: argparse.Namespace) -> int:
        out = Path(args.out).expanduser().absolute()
        if out.is_dir() or not out.parent.is_dir():
            raise CommandError(EXIT_USAGE, f"--out {out}: give a file in a folder that "
                                           "exists.")
        store = open_store(resolve_db_path(args.db)[0])
        try:
            count = incentive_export.write_csv(store, what, out)
        except ExportWriteError as error:
            raise CommandError(EXIT_USAGE, str(error)) from error
        finally:
            store.close()
        print(f"Wrote {count} {what} rows to {out}.")
        return EXIT_OK
    return command


def register(commands: CommandSet) -> None:
    """export statement, export claims, export ledger."""
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
