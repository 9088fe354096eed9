"""LazyPage: the content is built once, when first shown or asked for, and F5 reaches it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from gamehub_qt.base.lazy import LazyPage


class Counted(QLabel):
    refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def test_content_is_built_on_first_show_only(qtbot: QtBot) -> None:
    made: list[Counted] = []

    def build() -> QWidget:
        made.append(Counted("late"))
        return made[-1]

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = LazyPage(build)
    tabs.addTab(QLabel("first"), "first")
    tabs.addTab(page, "lazy")
    tabs.show()
    qtbot.waitExposed(tabs)
    assert made == [] and not page.is_built
    page.refresh()  # nothing built, nothing stale: no error
    with qtbot.wait_signal(page.built):
        tabs.setCurrentWidget(page)
    assert len(made) == 1 and page.content() is made[0]
    assert made[0].isVisible() and page.focusProxy() is made[0]
    tabs.setCurrentIndex(0)
    tabs.setCurrentWidget(page)
    assert len(made) == 1
    page.refresh()
    assert made[0].refreshed == 1


def test_asking_for_the_content_builds_it_unshown(qtbot: QtBot) -> None:
    page = LazyPage(lambda: Counted("asked"))
    qtbot.addWidget(page)
    content = page.content()
    assert page.is_built and isinstance(content, Counted) and content.parent() is page
