"""``channeldesk export plan|pack|plans`` (partner-facing PDFs), ``plan new|copy``.

No Qt. ``export`` takes a KIND sub-command, so other kinds of export (prospects, fund
statements) add their own kind beside these. ``plan new`` and ``plan copy`` run the same
operations as the Plans tab's "New plan" and "Copy to next period". Exit codes follow
errors.py: 2 for a refusal the user can fix (no such partner, a name matching several
partners, no plan, a path that cannot be written), 3 for a database that cannot be opened
or written, 130 when cancelled.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from channeldesk.cli.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    writing,
)
from channeldesk.cli.open_db import open_existing
from channeldesk.cli.output_args import output_target, read_branding
from channeldesk.cli.registry import CommandSet
from channeldesk.domain.plan import Period, PeriodError
from channeldesk.domain.progress import Cancelled
from channeldesk.output_files import OutputRefused, OutputWriteError
from channeldesk.services.plan_export import (
    ExportError,
    export_all_plans,
    export_pack,
    export_plan,
    printing_problem,
)
from channeldesk.services.plan_operations import copy_to_next_period, new_plan
from channeldesk.store.models import BusinessPlan, Partner
from channeldesk.store.plan_queries import current_plan, find_partners, plans_of


def _warn_if_unprintable(document: object) -> None:
    problem = printing_problem(document)
    if problem:
        print(f"warning: {problem}", file=sys.stderr)


def _run(action):
    try:
        return action()
    except (ExportError, OutputRefused, OutputWriteError) as error:
        raise CommandError(EXIT_USAGE, str(error)) from error


def export_plan_command(args: argparse.Namespace) -> int:
    out = output_target(args.out)
    branding = read_branding(args)
    store = open_existing(args.db)
    try:
        document, path = _run(lambda: export_plan(store, args.partner, args.period, out,
                                                  branding))
    finally:
        store.close()
    print(f"Wrote the {document.period} plan of {document.partner_name} to {path}.")
    _warn_if_unprintable(document)
    return EXIT_OK


def export_pack_command(args: argparse.Namespace) -> int:
    out = output_target(args.out)
    branding = read_branding(args)
    store = open_existing(args.db)
    try:
        pack, path = _run(lambda: export_pack(store, args.partner, args.period, out,
                                              branding, quarter=args.quarter))
    finally:
        store.close()
    scope = "" if pack.whole_plan else f"{pack.period} of the "
    print(f"Wrote the {pack.kicker.lower()} of {pack.plan.partner_name} ({scope}"
          f"{pack.plan.period} plan, {pack.plan.status}) to {path}.")
    _warn_if_unprintable(pack)
    return EXIT_OK


def export_plans_command(args: argparse.Namespace) -> int:
    out_dir = Path(args.out).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(EXIT_USAGE, f"--out {out_dir} is a file. Name a folder.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(EXIT_USAGE, f"Cannot create {out_dir} "
                                             f"({error.strerror or error}).") from error
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise CommandError(EXIT_USAGE, f"You cannot write to {out_dir}. Choose "
                                             "another --out.")
    branding = read_branding(args)
    store = open_existing(args.db)
    cancel = threading.Event()
    quiet = args.quiet or not sys.stderr.isatty()

    def progress(done: int, total: int, label: str) -> None:
        if not quiet:
            print(f"\r[{done}/{total}] {label[:60]:<60}", end="", file=sys.stderr,
                  flush=True)

    try:
        result = _run(lambda: export_all_plans(store, out_dir, branding, args.period,
                                               progress, cancel, args.jobs))
    except KeyboardInterrupt:
        cancel.set()
        raise
    except Cancelled as error:
        raise CommandError(EXIT_INTERRUPTED, str(error)) from error
    finally:
        store.close()
        if not quiet:
            print(file=sys.stderr)
    count = len(result.written)
    print(f"Wrote {count} plan PDF{'' if count == 1 else 's'} to {out_dir}.")
    for label, reason in result.failed:
        print(f"failed: {label}: {reason}", file=sys.stderr)
    return EXIT_OK if not result.failed else EXIT_USAGE


# -- plan new, plan copy ---------------------------------------------------------------------

def _partner(text: str) -> Partner:
    """The one partner a person means, or a one-line refusal that lists the candidates."""
    partners = find_partners(text)
    if not partners:
        raise CommandError(EXIT_USAGE, f"No partner matches '{text}'. Check the spelling, "
                                       "or give the partner's id.")
    if len(partners) > 1:
        listed = "; ".join(f"{p.name} ({p.id})" for p in partners)
        raise CommandError(EXIT_USAGE, f"'{text}' matches {len(partners)} partners: {listed}. "
                                       "Give the full name or the id.")
    return partners[0]


def _plan_of(partner_text: str, period_text: str) -> BusinessPlan:
    """The plan a person means by partner and period, or a one-line refusal."""
    try:
        period = str(Period.parse(period_text))
    except PeriodError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    partner = _partner(partner_text)
    plan = current_plan(partner.id, period)
    if plan is None:
        have = ", ".join(p.period for p in plans_of(partner.id))
        raise CommandError(EXIT_USAGE, f"{partner.name} has no plan for {period}"
                                       + (f"; it has plans for {have}." if have else "."))
    return plan


def new_plan_command(args: argparse.Namespace) -> int:
    """Create a partner's plan for a period (with its signature lines), as the Plans tab
    does."""
    store = open_existing(args.db)
    try:
        partner = _partner(args.partner)
        with writing():
            plan = BusinessPlan.get_by_id(new_plan(store, {
                "partner": partner.id, "period": args.period, "status": "draft",
                "currency": (args.currency or "").strip().upper(),
                "title": "Joint business plan"}).value)
    finally:
        store.close()
    print(f"Created the {plan.period} plan of {partner.name} (a draft in {plan.currency}).")
    return EXIT_OK


def copy_plan_command(args: argparse.Namespace) -> int:
    """Copy a partner's plan to the next period, as the Plans tab does."""
    store = open_existing(args.db)
    try:
        plan = _plan_of(args.partner, args.period)
        with writing():
            copy = BusinessPlan.get_by_id(copy_to_next_period(store, plan.id).value)
        partner = plan.partner.name
    finally:
        store.close()
    print(f"Copied the {plan.period} plan of {partner} to {copy.period} (a draft: targets "
          "carried, actuals reset, unsigned).")
    return EXIT_OK


BRANDING_HELP = ("a JSON file with vendor_name, brand_colour, logo and footer_note "
                 "(default: branding.json in your config folder, else the shipped defaults)")


def register(commands: CommandSet) -> None:
    """export plan, export pack, export plans, plan new, plan copy."""
    kinds = commands.group("export")
    _register_export_plan(kinds)
    _register_export_pack(kinds)
    _register_export_plans(kinds)
    _register_plan_actions(commands)


def _register_export_plan(kinds) -> None:
    plan = kinds.add("plan", export_plan_command,
               "one partner's joint business plan",
               "Cover, summary and objectives, targets vs actuals with charts, activities, "
               "commitments and signatures. Without --period, the current plan.")
    plan.add_argument("--partner", required=True, metavar="NAME_OR_ID",
                      help="the partner's name (or part of it) or id")
    plan.add_argument("--period", metavar="P", help="FY2026, 2026-H1 or 2026-Q3")
    plan.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    plan.add_argument("--branding", metavar="FILE", help=BRANDING_HELP)


def _register_export_pack(kinds) -> None:
    pack = kinds.add("pack", export_pack_command,
               "one partner's review pack for a period",
               "The plan, a scorecard measured over the period (targets vs actuals, "
               "touchpoints, last business review, contacts) and the sections other "
               "features add; its contents are listed on the cover. Without --period, the "
               "current plan's whole period; an archived plan is used only when its "
               "period is asked for.")
    pack.add_argument("--partner", required=True, metavar="NAME_OR_ID",
                      help="the partner's name (or part of it) or id")
    pack.add_argument("--period", metavar="P",
                      help="FY2026, 2026-H1 or 2026-Q3: a plan's period, or a half or "
                           "quarter inside a plan's (default: the current plan's)")
    pack.add_argument("--quarter", metavar="Q",
                      help="review one quarter (Q3 or 2026-Q3) or half (H2) of the plan")
    pack.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    pack.add_argument("--branding", metavar="FILE", help=BRANDING_HELP)


def _register_export_plans(kinds) -> None:
    plans = kinds.add("plans", export_plans_command,
                "every plan, one PDF each",
                "Renders on every core and shows progress; Ctrl+C stops after the files in "
                "progress, and every file written is complete.")
    plans.add_argument("--out", required=True, metavar="DIR", help="the folder for the PDFs")
    plans.add_argument("--period", metavar="P", help="only plans of this period")
    plans.add_argument("--jobs", type=int, metavar="N",
                       help="worker processes (default: the number of cores)")
    plans.add_argument("--quiet", action="store_true", help="no progress line")
    plans.add_argument("--branding", metavar="FILE", help=BRANDING_HELP)


def _register_plan_actions(commands: CommandSet) -> None:
    actions = commands.group("plan", "change a business plan: channeldesk plan ACTION ...",
                             "The same changes as in the Plans tab, each in one transaction, "
                             "journalled and synced like an edit in the app.", word="ACTION")
    new = actions.add("new", new_plan_command,
                      "create a partner's plan for a period",
                      "A draft plan titled 'Joint business plan' with one signature line per "
                      "side (the vendor's named after the partner's owner). Refused (exit 2) "
                      "when the partner already has a plan for PERIOD.")
    new.add_argument("partner", metavar="PARTNER", help="the partner's name (or part of it) "
                                                        "or id")
    new.add_argument("period", metavar="PERIOD", help="FY2026, 2026-H1 or 2026-Q3")
    new.add_argument("--currency", metavar="CODE",
                     help="the plan's currency, an ISO 4217 code (default: the partner's, "
                          "from its country)")
    copy = actions.add("copy", copy_plan_command,
                       "start next period's plan from a partner's plan",
                       "Copies the plan of PARTNER for PERIOD to the period after it: targets "
                       "carried with actuals reset, objectives, commitments and activities as "
                       "drafts, new unsigned signature lines. Refused (exit 2) when the "
                       "partner already has a plan for the next period.")
    copy.add_argument("partner", metavar="PARTNER", help="the partner's name (or part of it) "
                                                         "or id")
    copy.add_argument("period", metavar="PERIOD", help="the period of the plan to copy: "
                                                       "FY2026, 2026-H1 or 2026-Q3")
