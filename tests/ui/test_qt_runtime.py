"""The Qt binding itself must survive a long session.

PySide6 6.12.0 on Python 3.11 leaked a reference to None on every call that returns
nothing and aborted the process after a few thousand such calls (a day of use is
millions). This test makes far more calls than the crash needed; a regression aborts
the test run.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_many_calls_that_return_nothing_leave_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("Northwind Systems")
    assert abs(sys.getrefcount(None) - before) < 1_000
