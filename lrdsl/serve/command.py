"""``lrdsl serve [--port 8765] [--host 127.0.0.1] [--open] [--allow-host NAME]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

ARGUMENTS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--port",), {"type": int, "default": 8765, "help": "the port to listen on (0: any free one; default 8765)"}),
    (
        ("--host",),
        {
            "default": "127.0.0.1",
            "help": "the address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)",
        },
    ),
    (("--open",), {"action": "store_true", "help": "open the page in the default browser"}),
    (
        ("--allow-host",),
        {
            "action": "append",
            "default": [],
            "metavar": "NAME",
            "help": "a host name the page may be reached by besides IP addresses and localhost (repeatable)",
        },
    ),
)
"""The options of ``lrdsl serve``, as ``add_argument`` takes them (the command table reads them)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``lrdsl serve`` on ``parser``."""
    for flags, options in ARGUMENTS:
        parser.add_argument(*flags, **options)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 on Ctrl-C, 2 when the address cannot be listened on."""
    from lrdsl.serve.server import is_loopback, make_server

    if not 0 <= args.port <= 65535:
        print(f"error: --port must be from 0 to 65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.host, args.port, args.allow_host)
    except OSError as err:
        print(f"error: cannot listen on {args.host}:{args.port}: {err.strerror or err}", file=sys.stderr)
        return 2
    host, port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if shown in ('0.0.0.0', '[::]') else shown}:{port}/"
    print(f"lrdsl playground: {url}  (Ctrl-C stops it)", flush=True)
    if not is_loopback(str(args.host)):
        print(
            f"warning: listening on {args.host}, reachable from other machines; "
            "anyone who can reach it can evaluate schedules here",
            file=sys.stderr,
            flush=True,
        )
    if args.open:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
