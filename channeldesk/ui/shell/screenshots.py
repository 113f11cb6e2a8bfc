"""Render the main window with each tab selected to PNG files (README and review)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from channeldesk.output_files import OutputWriteError, output_file
from channeldesk.store import open_store

SIZE = (1400, 860)


def render_screenshots(db_path: Path, out_dir: Path,
                       size: tuple[int, int] = SIZE) -> list[Path]:
    """Write ``out_dir/<feature key>.png`` for every tab; returns the files written."""
    # Imported here: app imports the window, which imports this package's siblings.
    from channeldesk.app import application, build_window

    app = application()
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(out_dir / ".screenshot-settings.ini"), QSettings.Format.IniFormat)
    window = build_window(open_store(db_path), settings)
    window.resize(*size)
    window.show()
    written = []
    try:
        for index, page in enumerate(window.tab_pages()):
            window.tabs.setCurrentIndex(index)
            page.select_first()
            app.processEvents()
            target = out_dir / f"{page.key}.png"
            # Through output_files like every writer: whole files, never a replaced device.
            with output_file(target, suffix=".png") as temp:
                if not window.grab().save(str(temp), "PNG"):
                    raise OutputWriteError(f"Could not write {target}; nothing was left "
                                           "there. Check the free space and try again.")
            written.append(target)
        presenting = _presentation_shot(window, out_dir)
        if presenting is not None:
            app.processEvents()
            window.grab().save(str(presenting))
            written.append(presenting)
    finally:
        window.close()
        window.deleteLater()
        Path(settings.fileName()).unlink(missing_ok=True)
        app.processEvents()
    return written


def _presentation_shot(window, out_dir: Path) -> Path | None:
    """Presentation mode on the first tab that shows a partner, scoped to that partner;
    the file to grab it to, or None when no tab shows one."""
    from channeldesk.store.models import Partner

    for index, page in enumerate(window.tab_pages()):
        partner_id = page.current_partner_id()
        partner = Partner.get_or_none(Partner.id == partner_id) if partner_id else None
        if partner is not None:
            window.tabs.setCurrentIndex(index)
            window.presentation.set_on(True, partner.id, partner.name)
            return out_dir / "presentation-mode.png"
    return None
