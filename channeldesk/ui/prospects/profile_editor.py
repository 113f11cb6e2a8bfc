"""Edit the ideal partner profile: weighted criteria, with each one's share of 100 points.

The dialog only collects criteria; the tab saves them as one undo step and re-scores
every prospect in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from channeldesk.domain.fit_score import (
    ATTRIBUTE_LABELS,
    MAX_WEIGHT,
    NUMBER_ATTRIBUTES,
    OPERATOR_LABELS,
    Attribute,
    Criterion,
    Operator,
    criterion_error,
    operators_for,
    shares,
)
from channeldesk.domain.money import MoneyError, validate_currency
from channeldesk.ui.widgets.form import ERROR_STYLE

HEADERS = ("Criterion", "Condition", "Values", "Weight", "Points", "")
PLACEHOLDERS = {
    Attribute.REGION: "EMEA, APAC, North America, Latin America",
    Attribute.COUNTRY: "Germany, France",
    Attribute.VERTICAL: "Healthcare, Finance", Attribute.PARTNER_TYPE: "msp, reseller",
    Attribute.SOURCE: "event, referral", Attribute.COMPETENCY: "Azure, Security",
    Attribute.COMPETITOR: "Brightline, NovaShield",
}


class CriterionRow:
    """The widgets of one criterion in the editor's grid."""

    def __init__(self, editor: ProfileEditor, criterion: Criterion | None) -> None:
        self.attribute = QComboBox()
        for attribute in Attribute:
            self.attribute.addItem(ATTRIBUTE_LABELS[attribute].capitalize(), attribute.value)
        self.operator = QComboBox()
        self.values = QLineEdit()
        self.low, self.high = QLineEdit(), QLineEdit()
        self.currency = QLineEdit("USD")
        self.currency.setMaximumWidth(60)
        self.low.setPlaceholderText(editor.tr("from"))
        self.high.setPlaceholderText(editor.tr("to"))
        self.numbers = QWidget()
        numbers = QHBoxLayout(self.numbers)
        numbers.setContentsMargins(0, 0, 0, 0)
        for widget in (self.low, self.high, self.currency):
            numbers.addWidget(widget)
        self.weight = QSpinBox()
        self.weight.setRange(1, MAX_WEIGHT)
        self.weight.setValue(10)
        self.points = QLabel()
        self.points.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.remove = QPushButton("✕")
        self.remove.setToolTip(editor.tr("Remove this criterion"))
        self.remove.setMaximumWidth(32)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        value_box = QWidget()
        value_layout = QHBoxLayout(value_box)
        value_layout.setContentsMargins(0, 0, 0, 0)
        value_layout.addWidget(self.values)
        value_layout.addWidget(self.numbers)
        self.value_box = value_box
        self.attribute.currentIndexChanged.connect(lambda _: self._on_attribute())
        self.operator.currentIndexChanged.connect(lambda _: self._on_operator())
        self.weight.valueChanged.connect(lambda _: editor.update_points())
        if criterion is not None:
            self._load(criterion)
        else:
            self._on_attribute()

    def widgets(self) -> list[QWidget]:
        return [self.attribute, self.operator, self.value_box, self.weight, self.points,
                self.remove]

    def _load(self, criterion: Criterion) -> None:
        self.attribute.setCurrentIndex(self.attribute.findData(criterion.attribute.value))
        self._on_attribute()
        self.operator.setCurrentIndex(max(0, self.operator.findData(criterion.operator.value)))
        self.values.setText(", ".join(criterion.choices))
        self.low.setText("" if criterion.low is None else f"{criterion.low:,}")
        self.high.setText("" if criterion.high is None else f"{criterion.high:,}")
        self.currency.setText(criterion.currency)
        self.weight.setValue(max(1, min(MAX_WEIGHT, criterion.weight)))

    def _on_attribute(self) -> None:
        attribute = Attribute(self.attribute.currentData())
        self.operator.blockSignals(True)
        self.operator.clear()
        for operator in operators_for(attribute):
            self.operator.addItem(OPERATOR_LABELS[operator], operator.value)
        self.operator.blockSignals(False)
        number = attribute in NUMBER_ATTRIBUTES
        self.values.setVisible(not number)
        self.numbers.setVisible(number)
        self.currency.setVisible(attribute == Attribute.ANNUAL_REVENUE)
        self.values.setPlaceholderText(PLACEHOLDERS.get(attribute, ""))
        self._on_operator()

    def _on_operator(self) -> None:
        operator = self.operator.currentData()
        self.low.setVisible(operator in (Operator.BETWEEN, Operator.AT_LEAST))
        self.high.setVisible(operator in (Operator.BETWEEN, Operator.AT_MOST))

    def criterion(self) -> tuple[Criterion | None, str | None]:
        """The criterion as entered, or the reason it cannot be used."""
        attribute = Attribute(self.attribute.currentData())
        operator = Operator(self.operator.currentData())
        low = high = None
        currency = "USD"
        if attribute in NUMBER_ATTRIBUTES:
            try:
                low = _number(self.low.text()) if self.low.isVisibleTo(self.numbers) else None
                high = (_number(self.high.text()) if self.high.isVisibleTo(self.numbers)
                        else None)
            except ValueError:
                return None, "Enter whole numbers, e.g. 50 or 1,000,000."
            if attribute == Attribute.ANNUAL_REVENUE:
                try:
                    currency = validate_currency(self.currency.text())
                except MoneyError as error:
                    return None, str(error)
        choices = () if attribute in NUMBER_ATTRIBUTES else tuple(
            part.strip() for part in self.values.text().split(",") if part.strip())
        criterion = Criterion(attribute, operator, self.weight.value(), choices, low, high,
                              currency)
        problem = criterion_error(criterion)
        return (None, problem) if problem else (criterion, None)


def _number(text: str) -> int | None:
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    value = int(cleaned)
    if value < 0:
        raise ValueError(text)
    return value


class ProfileEditor(QDialog):
    """The ideal partner profile's name and weighted criteria."""

    def __init__(self, name: str, criteria: Sequence[Criterion],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profile-editor")
        self.setWindowTitle(self.tr("Ideal partner profile"))
        self.setMinimumSize(860, 440)
        self.name = QLineEdit(name)
        self.name.setObjectName("profile-name")
        self.name.setPlaceholderText(self.tr("e.g. EMEA healthcare MSPs"))
        intro = QLabel(self.tr(
            "Each prospect earns a criterion's points when it meets it. Points are the "
            "weights shared out over 100, so the fit score runs from 0 to 100."))
        intro.setWordWrap(True)
        self.rows: list[CriterionRow] = []
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setColumnStretch(2, 1)
        self._grid.setHorizontalSpacing(8)
        for column, text in enumerate(HEADERS):
            header = QLabel(f"<b>{self.tr(text)}</b>" if text else "")
            self._grid.addWidget(header, 0, column)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        add = QPushButton(self.tr("&Add criterion"))
        add.setObjectName("profile-add-criterion")
        add.clicked.connect(lambda: self.add_row(None))
        self.error = QLabel()
        self.error.setObjectName("profile-error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel(self.tr("&Name")))
        name_row.itemAt(0).widget().setBuddy(self.name)
        name_row.addWidget(self.name, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(name_row)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for criterion in criteria:
            self.add_row(criterion)
        if not criteria:
            self.add_row(None)
        self._criteria: list[Criterion] = []

    def add_row(self, criterion: Criterion | None) -> CriterionRow:
        row = CriterionRow(self, criterion)
        self.rows.append(row)
        row.remove.clicked.connect(lambda: self._remove(row))
        self._relayout()
        return row

    def _remove(self, row: CriterionRow) -> None:
        self.rows.remove(row)
        for widget in [*row.widgets(), row.error]:
            widget.setParent(None)
            widget.deleteLater()
        self._relayout()

    def _relayout(self) -> None:
        for n, row in enumerate(self.rows):
            line = 1 + 2 * n
            for column, widget in enumerate(row.widgets()):
                self._grid.addWidget(widget, line, column)
            self._grid.addWidget(row.error, line + 1, 0, 1, len(HEADERS))
        self._grid.setRowStretch(1 + 2 * len(self.rows), 1)
        self.update_points()

    def update_points(self) -> None:
        points = shares([row.weight.value() for row in self.rows])
        for row, share in zip(self.rows, points, strict=True):
            row.points.setText(f"{share}")

    def _save(self) -> None:
        criteria, first_bad = [], None
        for row in self.rows:
            criterion, problem = row.criterion()
            row.error.setText(problem or "")
            row.error.setVisible(bool(problem))
            if criterion is not None:
                criteria.append(criterion)
            elif first_bad is None:
                first_bad = row
        if not self.name.text().strip():
            self.error.setText(self.tr("Give the profile a name."))
            self.name.setFocus()
            return
        if first_bad is not None:
            self.error.setText(self.tr("Fix the criteria marked in red."))
            first_bad.attribute.setFocus()
            return
        self._criteria = criteria
        self.accept()

    def criteria(self) -> list[Criterion]:
        return list(self._criteria)

    def profile_name(self) -> str:
        return self.name.text().strip()
