"""``channeldesk --self-test``: does this installation work, start to finish?

Run on a fresh install, in CI and on the bundled app (``installer/build-linux.sh``): it
starts Qt offscreen on a temporary database, loads the demo data, opens every tab of the
feature list (a tab added later is covered by itself), exports a joint business plan and
a partner pack, and checks that each PDF is complete with its fonts embedded. Each step
prints one line; the exit code is 0 only when every step passed. The user's own database
and window settings are never touched.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from channeldesk.logs import current_log_path
from channeldesk.paths import log_file_path

log = logging.getLogger(__name__)

EXIT_PASSED = 0
EXIT_FAILED = 1
# A PDF font that is not embedded names one of the 14 standard fonts and has no
# /FontFile2 (TrueType) stream: it prints in whatever the reader substitutes.
_BASE14 = re.compile(rb"/BaseFont\s*/(Helvetica|Times|Courier|Symbol|ZapfDingbats)")


class SelfTestFailure(Exception):  # noqa: N818 (a result of the test, not a bug)
    """A step that ran but whose result is wrong; ``str()`` says what was expected."""


@dataclass
class SelfTest:
    """The steps run so far and how each went, printed as they finish."""

    print_line: Callable[[str], None] = print
    failures: list[str] = field(default_factory=list)
    passed: int = 0
    slot_errors: list[str] = field(default_factory=list)

    def step(self, label: str, action: Callable[[], str]) -> None:
        """Run one step; a failure is recorded and printed, and the next step still runs."""
        started = time.perf_counter()
        self.slot_errors.clear()
        try:
            detail = action()
            if self.slot_errors:
                raise SelfTestFailure(f"an error inside Qt: {self.slot_errors[0]}")
        except Exception as error:  # every failure is a result here, never a crash
            reason = f"{type(error).__name__}: {_one_line(error)}"
            if not isinstance(error, SelfTestFailure):
                # One line on the console; the traceback goes to the log, for the report.
                log.error("self-test step %r failed", label, exc_info=error)
                reason += f" (the traceback is in {current_log_path() or log_file_path()})"
            self.failures.append(label)
            self.print_line(f"  FAIL {label}: {reason}")
            return
        self.passed += 1
        took = time.perf_counter() - started
        self.print_line(f"  ok   {label}{': ' + detail if detail else ''} ({took:.1f} s)")

    def record_slot_error(self, kind: type[BaseException], value: BaseException,
                          _trace: TracebackType | None) -> None:
        """sys.excepthook while the test runs: an exception in a Qt slot does not reach
        the step that caused it, so it is collected and fails that step."""
        self.slot_errors.append(f"{kind.__name__}: {value}")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or "(no message)"


def check_pdf(path: Path) -> str:
    """The PDF at ``path`` is complete and embeds every font it uses."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise SelfTestFailure(f"{path.name} is not a complete PDF")
    standard = _BASE14.search(data)
    if standard:
        raise SelfTestFailure(f"{path.name} uses the non-embedded font "
                              f"{standard.group(1).decode()}")
    if b"/FontFile2" not in data:
        raise SelfTestFailure(f"{path.name} embeds no font")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    return f"{pages} pages, {len(data) // 1024} KB"


@contextmanager
def _temporary_home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="channeldesk-self-test-") as folder:
        yield Path(folder)


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    """Run every step; returns the process's exit code (0 only if all passed)."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from channeldesk import __version__

    started = time.perf_counter()
    test = SelfTest(print_line)
    print_line(f"ChannelDesk {__version__} self-test (offscreen, Python "
               f"{sys.version.split()[0]}{', bundled' if getattr(sys, 'frozen', False) else ''})")
    previous_hook = sys.excepthook
    sys.excepthook = test.record_slot_error
    try:
        with _temporary_home() as folder:
            _run_steps(test, folder)
    finally:
        sys.excepthook = previous_hook
    took = time.perf_counter() - started
    if test.failures:
        print_line(f"self-test FAILED: {len(test.failures)} of "
                   f"{len(test.failures) + test.passed} steps ({', '.join(test.failures)})")
        return EXIT_FAILED
    print_line(f"self-test passed: {test.passed} steps in {took:.1f} s")
    return EXIT_PASSED


def _run_steps(test: SelfTest, folder: Path) -> None:
    # Imported here: Qt is loaded only once QT_QPA_PLATFORM says offscreen.
    from PySide6.QtCore import QSettings, QtMsgType, qInstallMessageHandler

    from channeldesk.app import application, build_window
    from channeldesk.features import features
    from channeldesk.services.demo_data import load_demo_data
    from channeldesk.store import open_store

    def qt_message(kind: QtMsgType, _context, message: str) -> None:
        """Qt's critical messages fail the step; its warnings (the offscreen plugin's
        "does not support propagateSizeHints()") go to the log, not the report."""
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            test.slot_errors.append(f"Qt: {message}")
        else:
            log.debug("Qt: %s", message)

    previous_handler = qInstallMessageHandler(qt_message)
    app = application()
    store = open_store(folder / "self-test.sqlite3")
    test.step("demo data", lambda: load_demo_data(store).text())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = build_window(store, settings)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    try:
        for feature in features():
            if feature.tab:
                test.step(f"tab {feature.title.replace('&', '')}",
                          lambda key=feature.key: _open_tab(window, key))
        test.step("plan PDF", lambda: _export(store, folder / "plan.pdf", "plan"))
        test.step("partner pack PDF", lambda: _export(store, folder / "pack.pdf", "pack"))
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
        qInstallMessageHandler(previous_handler)


def _open_tab(window, key: str) -> str:
    from PySide6.QtWidgets import QApplication

    page = window.show_page(key)
    page.select_first()
    QApplication.processEvents()
    if window.current_page() is not page or not page.isVisible():
        raise SelfTestFailure(f"the {key} tab did not come to the front")
    if page.width() < 200 or page.height() < 200:
        raise SelfTestFailure(f"the {key} tab is {page.width()}x{page.height()} pixels")
    return ""


def _export(store, out: Path, kind: str) -> str:
    from channeldesk.services import plan_export
    from channeldesk.services.pdf.branding import load_branding
    from channeldesk.store.models import BusinessPlan

    plan = (BusinessPlan.select().where(BusinessPlan.deleted == 0)
            .order_by(BusinessPlan.period.desc(), BusinessPlan.id).first())
    if plan is None:
        raise SelfTestFailure("the demo data holds no plan to export")
    export = plan_export.export_plan_id if kind == "plan" else plan_export.export_pack_id
    _document, path = export(store, plan.id, out, load_branding())
    return check_pdf(path)
