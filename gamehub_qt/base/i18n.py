"""Languages: English source strings, a Traditional Chinese translation, switchable at run time.

Strings are written in English with ``self.tr()``; ``resources/translations`` holds the
``.ts`` source (``pyside6-lupdate``) and the compiled ``.qm`` (``pyside6-lrelease``).
Installing a translator makes Qt send every widget a LanguageChange event; widgets that
derive from ``Retranslated`` set their fixed texts in ``retranslate()`` and so follow at
once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)
from PySide6.QtWidgets import QWidget

from gamehub_qt.base.style import resource_dir

log = logging.getLogger(__name__)

ENGLISH = "en"
CHINESE_TW = "zh_TW"
LANGUAGES = {ENGLISH: "English", CHINESE_TW: "繁體中文"}
SETTING = "ui/language"  # "" means: follow the system

_TRADITIONAL_TERRITORIES = {
    QLocale.Country.Taiwan,
    QLocale.Country.HongKong,
    QLocale.Country.Macao,
}

if TYPE_CHECKING:
    _Widget = QWidget  # what the mixin is mixed into, for the type checker
else:
    _Widget = object


class Retranslated(_Widget):
    """Mixin for widgets with fixed texts: list it before the Qt class
    (``class Page(Retranslated, QWidget)``), set the texts in ``retranslate()`` and call
    it once from ``__init__``; a language switch then calls it again."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


# Translators must outlive their installation; the app keeps the current ones here.
_installed: list[QTranslator] = []


def system_language(locale: QLocale | None = None) -> str:
    """Traditional Chinese for zh_TW / zh_HK / zh_Hant systems, else English."""
    loc = locale if locale is not None else QLocale.system()
    if loc.language() != QLocale.Language.Chinese:
        return ENGLISH
    traditional = loc.script() == QLocale.Script.TraditionalHanScript
    return CHINESE_TW if traditional or loc.territory() in _TRADITIONAL_TERRITORIES else ENGLISH


def chosen_language(settings: QSettings) -> str:
    """The language the user picked, or the system's when they did not."""
    value = str(settings.value(SETTING, "") or "")
    return value if value in LANGUAGES else system_language()


def translation_file(language: str) -> Path:
    return resource_dir() / "translations" / f"gamehub_{language}.qm"


def load_translator(language: str) -> QTranslator | None:
    """GameHub's translator for ``language``; None for English or a missing file."""
    if language == ENGLISH:
        return None
    translator = QTranslator()
    path = translation_file(language)
    if not translator.load(str(path)):
        log.warning("Could not load the translation %s", path)
        return None
    return translator


def _qt_translator(language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons, dialogs) in ``language``, when Qt ships them."""
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load(f"qtbase_{language}", folder) else None


def install(language: str) -> str:
    """Replaces the app's translators with ``language``'s; returns the language in effect."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install() needs a QApplication")
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    ours = load_translator(language)
    if ours is None:
        return ENGLISH
    for translator in (ours, _qt_translator(language)):
        if translator is not None:
            app.installTranslator(translator)
            _installed.append(translator)
    return language
