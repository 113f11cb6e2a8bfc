"""What the export commands share about their arguments: ``--out`` checked before any
work, and ``--branding`` read with its warnings printed. No Qt; refusals exit 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from channeldesk.cli.errors import EXIT_USAGE, CommandError
from channeldesk.output_files import OutputRefused, check_output
from channeldesk.services.pdf.branding import Branding, BrandingError, load_branding


def read_branding(args: argparse.Namespace) -> Branding:
    """The branding file given with ``--branding`` (the default look without one); a file
    that cannot be read is refused, what it gets wrong is printed as warnings."""
    try:
        found = load_branding(Path(args.branding).expanduser() if args.branding else None)
    except BrandingError as error:
        raise CommandError(EXIT_USAGE, str(error)) from error
    for warning in found.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return found


def output_target(text: str, example: str = "plan.pdf") -> Path:
    """Check ``--out`` before any work (see output_files): a file in a folder that exists
    and can be written, or a device written in place; never a folder or a pipe.
    ``example`` is the file name suggested when a folder is given."""
    out = Path(text).expanduser().absolute()
    try:
        check_output(out, example=example)
    except OutputRefused as refusal:
        raise CommandError(EXIT_USAGE, f"--out: {refusal}") from refusal
    return out
