"""The Settings tab: the effective settings the server runs with, read-only, secrets never shown."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from pydantic import BaseModel, SecretStr

from qa.backends import describe_checker, describe_llm
from qa.chat.render import settings_table
from qa.settings import Settings


def variable(name: str, model: type[BaseModel]) -> str:
    """The environment variable a field is read from (NEWSQA_<NAME>, or its alias such as OPENAI_API_KEY)."""
    alias = model.model_fields[name].validation_alias
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else f"NEWSQA_{name.upper()}"


def shown(value: object) -> str:
    """A setting's value as text; a secret only says whether it is set."""
    if isinstance(value, SecretStr):
        return "set (hidden)"
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={shown(v)}" for k, v in value.model_dump().items())
    return str(value)


def settings_rows(settings: BaseModel) -> list[tuple[str, str, str]]:
    """(variable, value, description) of every field, in the order the settings classes declare them."""
    model = type(settings)
    return [
        (variable(name, model), shown(getattr(settings, name)), field.description or "")
        for name, field in model.model_fields.items()
    ]


def settings_html(settings: Settings) -> str:
    """The read-only table of the effective settings, led by the model that answers."""
    who = ("Answers by", describe_llm(settings), "The model that writes the answers, as the settings pick it")
    check = (
        "Checked by",
        describe_checker(settings),
        "The model asked whether each short answer's sentence states it",
    )
    return settings_table([who, check, *settings_rows(settings)])
