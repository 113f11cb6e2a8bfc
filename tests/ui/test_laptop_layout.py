"""At 1366x768 every list shows its key columns whole (issue 12, finding 8): the long
text column elides, never a date, a tier, a region, an owner or a status."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from channeldesk.app import create_main_window
from channeldesk.services.demo_data import load_demo_data
from channeldesk.store import open_store

KEY_COLUMNS = {
    "partners": ("tier", "status", "region", "owner", "last_activity", "engagement"),
    "prospects": ("score", "stage", "owner", "next_step_on"),
    "plans": ("period", "status", "revenue", "attainment", "met"),
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("laptop") / "demo.sqlite3"
    store = open_store(path)
    try:
        load_demo_data(store)
    finally:
        store.close()
    return path


@pytest.fixture
def laptop(qtbot, demo_db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    window = create_main_window(demo_db, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def clipped(view: QTableView, key: str) -> list[str]:
    """Texts of the rows on screen that do not fit their column, or the column itself
    when it is (partly) off the visible part of the table."""
    model = view.model()
    column = model.column_index(key)
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(column)
    if left < 0 or left + header.sectionSize(column) > view.viewport().width():
        return [f"column {key} off screen"]
    metrics = view.fontMetrics()
    room = view.columnWidth(column) - 8
    texts = [model.index(row, column).data() or "" for row in range(min(40, model.rowCount()))]
    title = model.headerData(column, Qt.Orientation.Horizontal)
    if header.fontMetrics().horizontalAdvance(title) > header.sectionSize(column) - 4:
        texts.append(f"header {title}")
    return [text for text in texts if metrics.horizontalAdvance(text) > room]


@pytest.mark.parametrize("key", sorted(KEY_COLUMNS))
def test_key_columns_are_whole_on_a_laptop_screen(laptop, key):
    tab = laptop.show_page(key)
    tab.select_first()
    QApplication.processEvents()
    problems = {column: found for column in KEY_COLUMNS[key]
                if (found := clipped(tab.table, column))}
    assert problems == {}


def test_prospects_show_owner_next_step_and_due_without_scrolling(laptop):
    tab = laptop.show_page("prospects")
    QApplication.processEvents()
    header = tab.table.horizontalHeader()
    for key in ("owner", "next_step", "next_step_on"):
        column = tab.model.column_index(key)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert header.sectionViewportPosition(column) >= 0 and \
            right <= tab.table.viewport().width(), key
    # The long next step elides, at a readable width.
    assert tab.table.columnWidth(tab.model.column_index("next_step")) >= \
        tab.table.fontMetrics().averageCharWidth() * 20


def test_the_activity_log_shows_whether_an_entry_is_shared(laptop):
    partners = laptop.show_page("partners")
    partners.select_first()
    partners.detail.show_activity_log()
    QApplication.processEvents()
    view = partners.detail.activities_view
    assert clipped(view, "internal_only") == []
    assert clipped(view, "occurred_on") == []


def test_the_plan_heading_stays_on_one_line(laptop):
    plans = laptop.show_page("plans")
    plans.select_first()
    QApplication.processEvents()
    heading = plans.editor.heading
    assert heading.height() < heading.fontMetrics().height() * 2
    assert not heading.wordWrap()


def test_board_cards_show_owner_next_step_and_overdue_at_a_laptop_width(laptop):
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    tab = laptop.show_page("prospects")
    tab.set_view(1)
    QApplication.processEvents()
    view = tab.board.views["contacted"]
    assert view.width() >= view.fontMetrics().averageCharWidth() * 30
    delegate = view.itemDelegate()
    painted = []

    class Recorder(QPainter):
        def drawText(self, *args):
            painted.append(args[-1])
            super().drawText(*args)

    def paint(view, row):
        painted.clear()
        image = QImage(view.width(), 90, QImage.Format.Format_ARGB32)
        painter = Recorder(image)
        option = QStyleOptionViewItem()
        option.rect = image.rect()
        option.font = view.font()
        option.fontMetrics = view.fontMetrics()
        option.palette = view.palette()
        delegate.paint(painter, option, view.model().index(row))
        painter.end()
        return view.model().index(row).data(Qt.ItemDataRole.UserRole + 1)

    model = view.model()
    record = paint(view, next(r for r in range(model.rowCount())
                              if model.index(r).data(Qt.ItemDataRole.UserRole + 1).next_step))
    assert record.owner in painted
    assert any(record.next_step[:5] in text for text in painted)
    today = __import__("datetime").date.today()
    late = [(stage, r) for stage, board_view in tab.board.views.items()
            for r in range(board_view.model().rowCount())
            if (p := board_view.model().index(r).data(Qt.ItemDataRole.UserRole + 1))
            .next_step_on and p.next_step_on < today and stage not in ("signed", "lost")]
    assert late, "the demo data has overdue next steps"
    stage, row = late[0]
    paint(tab.board.views[stage], row)
    assert any(text.startswith("overdue, due 20") for text in painted)


def _hover_tip(view: QTableView, row: int, column: int) -> str | None:
    """What a tooltip request over this cell shows (None: no tooltip)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QStyleOptionViewItem, QToolTip

    QToolTip.hideText()
    index = view.model().index(row, column)
    rect = view.visualRect(index)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(),
                       view.viewport().mapToGlobal(rect.center()))
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = rect
    shown = view.itemDelegateForIndex(index).helpEvent(event, view, option, index)
    return QToolTip.text() if shown and QToolTip.isVisible() else None


def test_a_cut_cell_shows_its_whole_text_on_hover_and_a_whole_one_nothing(laptop):
    tab = laptop.show_page("partners")
    QApplication.processEvents()
    view, model = tab.table, tab.model
    type_column, tier_column = model.column_index("partner_type"), model.column_index("tier")
    view.setColumnWidth(type_column, view.fontMetrics().averageCharWidth() * 6)
    QApplication.processEvents()
    long_type = next(row for row in range(model.rowCount())
                     if model.index(row, type_column).data() == "System integrator")
    assert _hover_tip(view, long_type, type_column) == "System integrator"
    assert clipped(view, "tier") == []
    assert _hover_tip(view, long_type, tier_column) is None
