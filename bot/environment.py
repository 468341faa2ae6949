"""The `HEMEI_*` variables: the keys they can name, misspelt ones, and malformed JSON values.

pydantic-settings ignores a variable that matches no key (a misspelt token variable would
silently leave the token unset) and reports bad JSON in a section's variable without naming
the variable; these checks name it.
"""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Mapping
from enum import Enum

from pydantic import BaseModel

PREFIX = "HEMEI_"
DELIMITER = "__"
CONFIG_FILE_VARIABLE = "HEMEI_CONFIG"
SEQUENCES = (list, tuple, set, frozenset)


class Shape(Enum):
    """What a variable's value sets, which decides how pydantic-settings reads it."""

    VALUE = "value"
    SECTION = "section"  # a whole table of settings, as JSON; its keys also have variables of their own
    TABLE = "table"  # free-form keys (e.g. [schedules]), as JSON or one variable per key
    LIST = "list"  # as JSON


def variables_of(model: type[BaseModel], prefix: str = PREFIX) -> dict[str, Shape]:
    """Return every variable that names a key of `model`, and the shape of its value."""
    names: dict[str, Shape] = {}
    for field_name, field in model.model_fields.items():
        name = f"{prefix}{field_name}".upper()
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names[name] = Shape.SECTION
            names |= variables_of(kind, f"{name}{DELIMITER}")
        else:
            origin = typing.get_origin(kind)
            names[name] = Shape.TABLE if origin is dict else Shape.LIST if origin in SEQUENCES else Shape.VALUE
    return names


def unknown_variables(environ: Mapping[str, str], model: type[BaseModel]) -> list[str]:
    """Return a warning for each `HEMEI_*` variable that matches no key, with the likely one it meant."""
    known = variables_of(model)
    tables = [name for name, shape in known.items() if shape is Shape.TABLE]
    warnings = []
    for name in sorted(_ours(environ)):
        if name in known or name == CONFIG_FILE_VARIABLE or any(name.startswith(t + DELIMITER) for t in tables):
            continue
        guess = difflib.get_close_matches(name, [*known, CONFIG_FILE_VARIABLE], n=1)
        hint = f"; did you mean {guess[0]}?" if guess else ""
        warnings.append(f"warning: {name} matches no setting{hint}")
    return warnings


def json_problems(environ: Mapping[str, str], model: type[BaseModel]) -> list[str]:
    """Return a message for each variable whose value must be JSON (a whole table or list) but is not."""
    known = variables_of(model)
    problems = []
    for name, value in _ours(environ).items():
        if known.get(name, Shape.VALUE) is Shape.VALUE:
            continue
        try:
            json.loads(value)
        except json.JSONDecodeError as error:
            problems.append(f"  {name}: not valid JSON ({error.msg} at character {error.pos}); "
                            'write a table as {"key": "value"} and a list as ["a", "b"]')
    return problems


def _ours(environ: Mapping[str, str]) -> dict[str, str]:
    """Return our variables by their upper-case name (pydantic-settings matches them case-insensitively)."""
    return {name.upper(): value for name, value in environ.items() if name.upper().startswith(PREFIX)}
