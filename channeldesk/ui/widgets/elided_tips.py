"""The whole text of a cut table cell, as its tooltip.

At 1366x768 a table gives its key columns their width first and lets the long ones
elide ("System i…", "Referral …"). Hovering such a cell shows what it says; a cell that
shows its whole text gets no tooltip (a tip repeating the cell is noise), and a column
that has its own tooltip (the model's ``ToolTipRole``) keeps it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

Index = QModelIndex | QPersistentModelIndex


class ElidedTextTips(QStyledItemDelegate):
    """Paints cells as usual; a tooltip request on a cut cell shows its whole text."""

    def cut_text(self, view: QAbstractItemView, option: QStyleOptionViewItem,
                 index: Index) -> str | None:
        """The cell's text when the cell is too narrow to show all of it, else None."""
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        text = shown.text
        if not text:
            return None
        style = view.style()
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, shown, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        fits = shown.fontMetrics.horizontalAdvance(text) <= area.width() - 2 * margin
        return None if fits else text

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView,
                  option: QStyleOptionViewItem, index: Index) -> bool:
        if (event is None or view is None or event.type() != QEvent.Type.ToolTip
                or index.data(Qt.ItemDataRole.ToolTipRole)):
            return super().helpEvent(event, view, option, index)
        text = self.cut_text(view, option, index)
        if text is None:
            QToolTip.hideText()
            event.ignore()
            return False
        QToolTip.showText(event.globalPos(), text, view, view.visualRect(index))
        return True
