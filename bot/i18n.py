"""Catalogs (gettext .po files managed with Babel) and rendering of replies in a language."""

from __future__ import annotations

import gettext
import logging
import string
from dataclasses import replace
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.replies import Choice, InputRequest, MenuView, Reply
from handlers.texts import Content, Text

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LOCALES = ("zh_CN", "en")


class Catalogs:
    """Every language's translations, loaded once; renders texts and replies."""

    def __init__(self, translations: dict[str, gettext.NullTranslations], default: str) -> None:
        self._translations = translations
        self._default = default

    @classmethod
    def load(cls, default: str = "zh_CN", directory: Path = LOCALE_DIR) -> Catalogs:
        """Read every .po file of each language (one per feature; fuzzy entries skipped) into memory."""
        translations: dict[str, gettext.NullTranslations] = {}
        for locale in LOCALES:
            chain: gettext.NullTranslations = gettext.NullTranslations()
            for path in sorted(catalog_files(directory, locale), reverse=True):
                compiled = _compile(path)
                compiled.add_fallback(chain)
                chain = compiled
            translations[locale] = chain
        return cls(translations, default)

    def text(self, content: Content, locale: str) -> str:
        """Render `content` in `locale`."""
        if isinstance(content, str):
            return content
        if isinstance(content, tuple):
            return "\n".join(self.text(part, locale) for part in content if part)
        return self._format(content, locale)

    def render(self, reply: Reply, locale: str) -> Reply:
        """Return `reply` with every text and label rendered in `locale`."""
        menu, request = reply.menu, reply.request
        return replace(
            reply,
            text=self.text(reply.text, locale),
            choices=tuple(tuple(self._choice(c, locale) for c in row) for row in reply.choices),
            navigation=tuple(self._choice(c, locale) for c in reply.navigation),
            menu=None if menu is None else MenuView(tuple(self.text(item, locale) for item in menu.items),
                                                    self.text(menu.prompt, locale)),
            request=None if request is None else InputRequest(self.text(request.label, locale), request.kind),
            suggestions=tuple(self.text(s, locale) for s in reply.suggestions),
            acknowledgement=self.text(reply.acknowledgement, locale),
        )

    def _choice(self, choice: Choice, locale: str) -> Choice:
        return Choice(self.text(choice.label, locale), choice.payload)

    def _format(self, text: Text, locale: str) -> str:
        translation = self._translations.get(locale) or self._translations[self._default]
        message = translation.gettext(text.msgid)
        params = {k: self.text(v, locale) if isinstance(v, Text | tuple) else v for k, v in text.params}
        try:
            return message.format(**params)
        except (KeyError, IndexError, ValueError):
            log.warning("bad placeholders in %s translation of %r", locale, text.msgid)
            return text.msgid.format_map(_Blank(params))


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def catalog_files(directory: Path, locale: str) -> list[Path]:
    """Return a language's catalogs: messages.po (the foundation's) and one per feature."""
    return sorted((directory / locale / "LC_MESSAGES").glob("*.po"))


def _compile(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def placeholders(message: str) -> set[str]:
    """Return the named placeholders of a message, for checking translations."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}
