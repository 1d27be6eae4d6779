"""The command line: `llmextract extract | eval | dataset | cache`."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="llmextract",
    help="Typed, source-grounded records of military strikes from news articles.",
    no_args_is_help=True,
    add_completion=False,
)


def main() -> None:
    app()
