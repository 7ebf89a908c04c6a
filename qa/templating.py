"""HTML from Jinja2 templates with autoescape on: untrusted text can only ever reach a page escaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment(package: str) -> Environment:
    """The template environment of a package's templates/ folder (autoescaped, unknown names an error)."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
