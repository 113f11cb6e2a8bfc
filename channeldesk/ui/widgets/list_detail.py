"""The layout every record tab shares: a list column beside a detail pane."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QSplitter, QVBoxLayout, QWidget


def list_and_detail(name: str, list_parts: Sequence[QWidget | QLayout], grow: QWidget,
                    detail: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """A splitter (objectName ``name``, so the window can remember its sizes) holding the
    list column — ``list_parts`` top to bottom, ``grow`` taking the spare height — and the
    detail pane. ``sizes`` are the first widths; the panes keep that ratio on resize and
    neither can be collapsed out of sight."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in list_parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part, 1 if part is grow else 0)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName(name)
    splitter.addWidget(column)
    splitter.addWidget(detail)
    splitter.setStretchFactor(0, sizes[0])
    splitter.setStretchFactor(1, sizes[1])
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(sizes))
    return splitter
