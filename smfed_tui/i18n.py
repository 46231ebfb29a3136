"""The message catalog: every text a user reads goes through `_()` (the standard library's gettext).

English is the source language: a message id is the English text itself, so English needs no
catalog and the code reads as it prints. Korean ships as `locale/ko/LC_MESSAGES/smfed.po`, read by
the small .po reader below into a `gettext.NullTranslations` subclass (no compile step, no extra
dependency). Messages with values use named placeholders filled after translation:
`_("port {port} is listed twice in {gateway}").format(port=..., gateway=...)`.

Tables built at import time (the rules, the field declarations, key bindings) hold their English
text marked with `N_()`, which only marks it for the catalog; they call `_()` where the text is
shown, so a language chosen later still applies. The CLI chooses the language once per run
(`choose_language`: `--lang`, else LC_ALL / LC_MESSAGES / LANG, else English) and sets it with
`set_language`; a library user who sets nothing gets English.

Importing this module is cheap: the Korean catalog is read the first time Korean is chosen.
"""
from __future__ import annotations

import contextlib
import gettext
import os
import re
import unicodedata
from pathlib import Path

DOMAIN = "smfed"
LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).with_name("locale")
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it (for tables built at import time)."""
    return message


class PoTranslations(gettext.NullTranslations):
    """Translations read from a GNU gettext .po file. Entries marked fuzzy and empty translations
    are left out, so such a message shows in English (gettext's own rule)."""

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self.path = str(path)
        self._catalog: dict[str, str] = {}
        self._plurals: dict[str, list[str]] = {}
        self._plural = _english_plural
        self._load(Path(path).read_text(encoding="utf-8"))

    def gettext(self, message: str) -> str:
        return self._catalog.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plurals.get(singular)
        if forms:
            index = self._plural(n)
            if 0 <= index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural

    def messages(self) -> dict[str, str | list[str]]:
        """Every translated message id and its translation (plural forms as a list)."""
        return {**self._catalog, **self._plurals}

    def _load(self, text: str) -> None:
        for entry in parse_po(text):
            msgid, strings = entry["msgid"], entry["msgstr"]
            if msgid == "":
                self._header(strings[0] if strings else "")
            elif "fuzzy" in entry["flags"]:
                continue
            elif entry["msgid_plural"] is not None:
                self._plurals[msgid] = strings
            elif strings and strings[0]:
                self._catalog[msgid] = strings[0]

    def _header(self, header: str) -> None:
        self._info = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
        forms = self._info.get("Plural-Forms", "")
        m = re.search(r"plural\s*=\s*([^;]+)", forms)
        if m:
            self._plural = gettext.c2py(m.group(1).strip())


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(token: str, where: int) -> str:
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"line {where}: expected a quoted string, got {token!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file: dicts with msgid, msgid_plural (or None), msgstr (a list: one item,
    or one per plural form), flags (from `#,` comments) and line (where the entry starts).
    ValueError on a malformed line. msgctxt is not used by this program and is refused."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple[str, int] | None = None   # the keyword continuation lines belong to

    def new_entry(line_number: int) -> dict:
        return {"msgid": None, "msgid_plural": None, "msgstr": [], "flags": set(), "line": line_number}

    pending_flags: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith('"'):
            if entry is None or field is None:
                raise ValueError(f"line {number}: a string outside an entry")
            value = _unquote(line, number)
            key, index = field
            if key == "msgstr":
                entry["msgstr"][index] += value
            else:
                entry[key] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            if entry is not None:
                entries.append(entry)
            entry = new_entry(number)
            entry["flags"], pending_flags = pending_flags, set()
            entry["msgid"] = _unquote(rest, number)
            field = ("msgid", 0)
        elif entry is None:
            raise ValueError(f"line {number}: {keyword} before any msgid")
        elif keyword == "msgid_plural":
            entry["msgid_plural"] = _unquote(rest, number)
            field = ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry["msgstr"].append(_unquote(rest, number))
            field = ("msgstr", len(entry["msgstr"]) - 1)
        elif m := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(m.group(1))
            if index != len(entry["msgstr"]):
                raise ValueError(f"line {number}: msgstr[{index}] out of order")
            entry["msgstr"].append(_unquote(rest, number))
            field = ("msgstr", index)
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
    if entry is not None:
        entries.append(entry)
    return entries


# --- the current language ----------------------------------------------------------------------------

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_loaded: dict[str, gettext.NullTranslations] = {}


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(lang: str) -> gettext.NullTranslations:
    """The translations for `lang` (English: none needed), read once."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (one of {', '.join(LANGUAGES)})")
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    if lang not in _loaded:
        _loaded[lang] = PoTranslations(catalog_path(lang))
    return _loaded[lang]


def set_language(lang: str) -> None:
    """Show every message from now on in `lang` (one of LANGUAGES)."""
    global _translations, _language
    _translations = translations(lang)
    _language = lang


def current_language() -> str:
    return _language


@contextlib.contextmanager
def language(lang: str):
    """Use `lang` inside the block, then go back to the language before it."""
    before = _language
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def language_of_locale(value: str) -> str | None:
    """`ko_KR.UTF-8` -> "ko", `en_US` / `C` / `POSIX` -> "en"; None for a language we have no catalog for."""
    code = re.split(r"[_.@]", value.strip(), maxsplit=1)[0].lower()
    if code in ("c", "posix"):
        return DEFAULT_LANGUAGE
    return code if code in LANGUAGES else None


def choose_language(explicit: str | None = None, environ=None) -> str:
    """`explicit` (from --lang) when given, else the locale the environment names (LC_ALL, then
    LC_MESSAGES, then LANG: the first one set decides, as for every POSIX program), else English.
    A locale in a language without a catalog means English. ValueError for an unknown `explicit`."""
    if explicit is not None:
        lang = explicit.strip().lower()
        if lang not in LANGUAGES:
            raise ValueError(explicit)
        return lang
    env = os.environ if environ is None else environ
    for name in _LOCALE_VARIABLES:
        value = env.get(name)
        if value:
            return language_of_locale(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """`message` (English, the message id) in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for `n`, in the current language (fill in `{n}` afterwards)."""
    return _translations.ngettext(singular, plural, n)


class Translated:
    """A read-only attribute that shows another attribute, an English message id, in the current
    language: `title = Translated("title_msgid")` on a table row built at import time."""

    def __init__(self, msgid_attr: str) -> None:
        self.msgid_attr = msgid_attr

    def __get__(self, obj, owner=None):
        return self if obj is None else _(getattr(obj, self.msgid_attr))


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: Hangul, CJK and other wide characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def ljust_cells(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal cells (str.ljust counts characters, not cells)."""
    return text + " " * max(0, width - cell_width(text))


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` split at spaces into lines of at most `width` terminal cells (a longer word stays whole)."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = cell_width(word)
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = "", 0
        line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
    if line:
        lines.append(line)
    return lines


def gettext_fallback(fallback):
    """A gettext function that translates what the catalog knows and hands the rest to `fallback`
    (for argparse, whose own messages go through the standard library's gettext)."""
    def translate(message: str) -> str:
        translated = _translations.gettext(message)
        return translated if translated != message else fallback(message)
    return translate
