"""The root command group: `--debug` and `--json` anywhere on the line, and one line (plus a
JSON object with `--json`) for any error that ends a command.

Both flags belong to the root command; a person types them after the sub-command as often as
before it (`catalog-sync ingest r.yml --debug`), so they are moved in front before parsing, and
`--json` is handed on to the sub-command too when it has its own (`ingest`, `assets`, ...).
Errors a command does not handle itself (an `OSError`, a bug) still end in one line naming
the error; `--debug` shows the traceback instead.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from catalog_sync.cli.output import (
    debug_requested,
    error_object,
    json_requested,
    print_error,
    print_json,
)
from catalog_sync.errors import CatalogSyncError, no_space_left

GLOBAL_FLAGS = ("--debug", "--json")
UNEXPECTED_EXIT = 1


def hoist_global_flags(args: list[str]) -> list[str]:
    """`ingest r.yml --json` -> `--json ingest r.yml`; nothing after a `--` is touched."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return [*dict.fromkeys(flags), *rest, *args[end:]]


def _leaf(group: TyperGroup, ctx: typer.Context, args: list[str]) -> Any:
    """The command the words of `args` name (`tags plan` -> plan), as far as they name one."""
    command: Any = group
    for word in (a for a in args if not a.startswith("-")):
        get = getattr(command, "get_command", None)
        found = get(ctx, word) if get is not None else None
        if found is None:
            break
        command = found
    return command


def _takes_json(command: Any) -> bool:
    return any("--json" in getattr(p, "opts", ()) for p in getattr(command, "params", ()))


def describe(err: BaseException) -> str:
    """One line for an error nobody planned for: its type and first line, never a traceback."""
    first = (str(err).strip().splitlines() or [""])[0]
    text = f"{type(err).__name__}: {first}" if first else type(err).__name__
    if no_space_left(err):
        text = f"no space left on the device ({first or 'ENOSPC'})"
    return f"{text} (run with --debug for the traceback)"


class CliGroup(TyperGroup):
    """Typer's group with global flags anywhere and one-line errors; see the module doc."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        hoisted = hoist_global_flags(args)
        if "--json" in args[: args.index("--") if "--" in args else len(args)]:
            rest = hoisted[hoisted.index("--json") + 1:]
            leaf = _leaf(self, ctx, [a for a in rest if a != "--debug"])
            if leaf is not self and _takes_json(leaf):
                end = hoisted.index("--") if "--" in hoisted else len(hoisted)
                hoisted.insert(end, "--json")
        return super().parse_args(ctx, hoisted)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as err:  # usage errors: typer prints them itself
            if json_requested():
                print_json(error_object(err.format_message(), type(err).__name__,
                                        int(getattr(err, "exit_code", 2))))
            raise
        except CatalogSyncError as err:
            if debug_requested():
                raise
            print_error(str(err), type(err).__name__, err.exit_code)
            raise typer.Exit(err.exit_code) from err
        except Exception as err:
            if debug_requested():
                raise
            print_error(describe(err), type(err).__name__, UNEXPECTED_EXIT)
            raise typer.Exit(UNEXPECTED_EXIT) from err
