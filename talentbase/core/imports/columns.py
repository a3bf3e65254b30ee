"""The columns an importer reads: key, label, the header variants it answers to, whether required, and
for coded columns the choices offered as a dropdown in the template and accepted by label or code."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .reading import normalise_header

Choices = Sequence[tuple[str, str]]


def normalise_choice(text: str) -> str:
    """A typed choice in comparable form: NFKC, no spaces, lower case ("男 " and "Ｍ" compare as typed)."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(char for char in text if not char.isspace()).lower()


@dataclass(frozen=True)
class Column:
    """One column of an import.

    ``aliases`` are further header texts (Chinese variants, English names) matched after
    ``normalise_header``; ``choices`` (code, label) pairs, or a callable giving them, make the column
    coded: the template offers the labels as a dropdown and a cell may hold a label, a code or one of
    ``choice_aliases`` ({"身份证": "ric"}). ``text`` formats the template column as text (ID numbers, phones:
    a spreadsheet keeps 15 significant digits of a number).
    """

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: Choices | Callable[[], Choices] | None = None
    choice_aliases: dict[str, str] = field(default_factory=dict)
    help_text: str = ""
    example: str = ""
    text: bool = False
    width: int = 16

    def error(self, message) -> tuple[str, str]:
        """A row's error on this column, as an ``Outcome`` takes it: (the column's label, the message)."""
        return str(self.label), str(message)

    def header_keys(self) -> set[str]:
        """Every normalised header text that names this column."""
        return {normalise_header(str(self.label)), normalise_header(self.key)} | {
            normalise_header(alias) for alias in self.aliases
        }

    def choice_list(self) -> list[tuple[str, str]]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [(str(code), str(label)) for code, label in (choices or ())]

    def choice_lookup(self) -> dict[str, str]:
        """Normalised label, code or alias → code, for reading a coded cell."""
        lookup = {}
        for alias, code in self.choice_aliases.items():
            lookup[normalise_choice(alias)] = code
        for code, label in self.choice_list():
            lookup[normalise_choice(code)] = code
            lookup[normalise_choice(label)] = code
        return lookup

    def choice_labels(self) -> list[str]:
        return [label for _code, label in self.choice_list()]
