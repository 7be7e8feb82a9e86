"""The playground's HTTP API (``lrdsl serve``): answers, refusals, and the guards of a local server.

A real server on a free port of 127.0.0.1, asked over real HTTP (``http.client``).
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import lrdsl
from lrdsl.serve import handlers
from lrdsl.serve.curve import EXACT_STEPS
from lrdsl.serve.server import MAX_BODY, _Gate, host_allowed, make_server

DESIGN = "warmup(linear, 5ep) >> cosine(0.1→1e-6) * restart(mult=2)"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = make_server("127.0.0.1", 0)
    server.RequestHandlerClass.quiet = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def ask(
    port: int,
    method: str,
    path: str,
    body: object = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    sent = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers={**sent, **(headers or {})})
    response = conn.getresponse()
    text = response.read()
    conn.close()
    kind = response.getheader("Content-Type") or ""
    return response.status, json.loads(text) if "json" in kind else text, dict(response.getheaders())


def post(port: int, name: str, body: object) -> tuple[int, Any]:
    status, answer, _ = ask(port, "POST", f"/api/{name}", body)
    return status, answer


# ---------------------------------------------------------------- the page


def test_the_page_and_its_files_come_from_the_package(port: int) -> None:
    status, page, headers = ask(port, "GET", "/")
    assert status == 200 and b'id="expr"' in page and b'src="/app.js"' in page
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for path, kind in (("/app.js", "javascript"), ("/app.css", "css")):
        status, _, headers = ask(port, "GET", path)
        assert status == 200 and kind in headers["Content-Type"]
    assert b"http://" not in page.replace(b"http://www.w3.org", b"")  # nothing from the network


def test_examples_are_the_cookbook_and_each_evaluates(port: int) -> None:
    status, answer, _ = ask(port, "GET", "/api/examples")
    assert status == 200 and len(answer["examples"]) >= 10
    for example in answer["examples"]:
        status, got = post(port, "evaluate", {**{k: v for k, v in example.items() if k != "title"}, "points": 20})
        assert status == 200, (example, got)


# ---------------------------------------------------------------- evaluate


def test_evaluate_draws_exact_bucket_extremes(port: int) -> None:
    status, got = post(port, "evaluate", {"expr": DESIGN, "total_steps": 5000, "steps_per_epoch": 50, "points": 100})
    assert status == 200
    values = lrdsl.evaluate(DESIGN, 5000, 50)
    assert got["text"] == DESIGN and got["total"] == 5000 and got["warnings"] == []
    drawn = np.array(got["values"])
    assert drawn.max() == values.max() and drawn.min() == values.min()
    for step, value in zip(got["steps"], got["values"], strict=True):
        assert values[step] == value  # every drawn point is the schedule's value at its step
    # each bucket of 50 steps keeps its lowest and highest
    buckets = values.reshape(100, 50)
    assert set(np.round(buckets.max(axis=1), 15)) <= set(np.round(drawn, 15))
    assert got["phases"][0]["label"].startswith("warmup(linear, 5ep)") and got["phases"][0]["end"] == 250


def test_a_spike_of_one_step_survives_down_sampling(port: int) -> None:
    expr = "const(0.1, 5000) >> const(1, 1) >> const(0.1)"
    status, got = post(port, "evaluate", {"expr": expr, "total_steps": 1_000_000, "points": 200})
    assert status == 200 and max(got["values"]) == 1.0 and 5000 in got["steps"]


def test_a_billion_steps_draw_at_once_within_the_points(port: int) -> None:
    status, got = post(port, "evaluate", {"expr": DESIGN, "total_steps": 10**9, "steps_per_epoch": 10**7})
    assert status == 200 and got["total"] == 10**9
    assert len(got["steps"]) <= 2 * handlers.DEFAULT_POINTS
    at = np.array(got["steps"])
    assert np.array_equal(np.array(got["values"]), lrdsl.evaluate(DESIGN, 10**9, 10**7, steps=at))
    assert max(got["values"]) == 0.1 and got["steps"][-1] > 10**9 - 10**7


def test_long_runs_say_when_extremes_are_not_proven(port: int) -> None:
    expr = "cosine(0.1→1e-6) * restart(period=100)"  # buckets of many whole cycles: bounds stay loose
    status, got = post(port, "evaluate", {"expr": expr, "total_steps": EXACT_STEPS * 5})
    assert status == 200
    member = got["members"]["lr"]
    assert member["exact"] is False and "may lie up to" in member["note"]
    at = np.array(member["steps"])
    assert np.array_equal(np.array(member["values"]), lrdsl.evaluate(expr, EXACT_STEPS * 5, steps=at))


def test_zoom_draws_a_window(port: int) -> None:
    body = {"expr": DESIGN, "total_steps": 5000, "steps_per_epoch": 50, "start": 240, "stop": 260, "points": 100}
    status, got = post(port, "evaluate", body)
    assert status == 200 and got["steps"][0] == 240 and got["steps"][-1] == 259 and len(got["steps"]) == 20


def test_a_set_draws_each_member(port: int) -> None:
    expr = "lr: cosine(0.1→0)\nweight_decay: linear(0→0.05)"
    status, got = post(port, "evaluate", {"expr": expr, "total_steps": 1000, "points": 50})
    assert status == 200 and list(got["members"]) == ["lr", "weight_decay"]
    assert got["members"]["weight_decay"]["values"][-1] == lrdsl.evaluate(expr, 1000, member="weight_decay")[-1]
    status, got = post(port, "evaluate", {"expr": expr, "total_steps": 1000, "member": "weight_decay"})
    assert status == 200 and list(got["members"]) == ["weight_decay"]


def test_warnings_carry_their_place(port: int) -> None:
    status, got = post(port, "evaluate", {"expr": "cosine(0.1→0, 2000)", "total_steps": 1000})
    assert status == 200 and [w["code"] for w in got["warnings"]] == ["cut-phase"], got
    warning = got["warnings"][0]
    assert (warning["line"], warning["column"]) == (1, 1) and "^" in warning["text"] and warning["hint"]


# ---------------------------------------------------------------- the other endpoints


def test_generate_gives_the_targets_code(port: int) -> None:
    for target in ("python", "torch", "optax", "keras", "paddle"):
        status, got = post(
            port, "generate", {"expr": DESIGN, "target": target, "total_steps": 5000, "steps_per_epoch": 50}
        )
        assert status == 200 and got["code"] == lrdsl.generate(DESIGN, target, 5000, 50)


def test_fit_of_values_and_of_dropped_files(port: int) -> None:
    y = lrdsl.evaluate("warmup(linear, 100) >> cosine(0.1→0)", 1000)
    status, got = post(port, "fit", {"values": y.tolist()})
    assert status == 200 and got["exact"] and got["expr"] == "linear(0→0.1, 100) >> cosine(0.1→0)"
    buffer = io.BytesIO()
    np.save(buffer, y)
    for name, data in (
        ("lr.npy", buffer.getvalue()),
        ("lr.csv", ("step,lr\n" + "".join(f"{s},{float(v)!r}\n" for s, v in enumerate(y))).encode()),
    ):
        status, got = post(port, "fit", {"file": base64.b64encode(data).decode(), "name": name})
        assert status == 200 and got["exact"], (name, got)
        assert len(got["curve"]["steps"]) <= 2 * handlers.DEFAULT_POINTS and max(got["curve"]["values"]) == 0.1


def test_compare_names_the_difference_and_suggests(port: int) -> None:
    status, got = post(port, "compare", {"a": "cosine(0.1→0, 100)", "b": "const(0.1, 1) >> cosine(0.1→0, 100)"})
    assert status == 200 and not got["equal"] and got["first_step"] == 1
    assert got["suggestion"] == "cosine(0.1→0, 100) * offset(-1)"


def test_import_turns_a_call_into_an_expression(port: int) -> None:
    status, got = post(port, "import", {"framework": "torch", "code": "OneCycleLR(opt, max_lr=0.1, total_steps=1000)"})
    assert status == 200 and got["expr"].startswith("onecycle(0.1, 1000)")


# ---------------------------------------------------------------- refusals: 400 with the message and where


REFUSED = [
    ("evaluate", {"expr": "cosin(0.1→0)", "total_steps": 10}, "unknown shape 'cosin'", (1, 1)),
    ("evaluate", {"expr": 5}, "'expr' must be a string", None),
    ("evaluate", {"expr": "x" * 20_001}, "'expr' is 20,001 characters; at most 20,000", None),
    ("evaluate", {"expr": "const(1)", "total_steps": 1.5}, "'total_steps' must be a whole number", None),
    ("evaluate", {"expr": "const(1)", "total_steps": "9" * 41}, "'total_steps' is too long", None),
    (
        "evaluate",
        {"expr": "const(1)", "total_steps": 10, "steps_per_epoch": True},
        "'steps_per_epoch' must be a finite number",
        None,
    ),
    (
        "evaluate",
        {"expr": "const(1)", "total_steps": 10, "points": 0},
        "'points' must be a whole number from 1 to 4000",
        None,
    ),
    (
        "evaluate",
        {"expr": "const(1)", "total_steps": 10, "params": [1]},
        "'params' must be an object of at most 64 names and numbers",
        None,
    ),
    ("evaluate", {"expr": "const(1)", "total_steps": 10, "params": {"a": None}}, "parameter 'a' has no value", None),
    (
        "evaluate",
        {"expr": "const(1)", "total_steps": 10, "params": {"a" * 65: 1}},
        "a parameter's name must be a string of at most 64 characters",
        None,
    ),
    ("evaluate", {"expr": "const(1)", "total_steps": 10, "member": "ema"}, "no member 'ema'", None),
    (
        "evaluate",
        {"expr": "const(1)", "total_steps": 10, "start": 5, "stop": 50},
        "'start' and 'stop' must be whole steps with 0 ≤ start < stop ≤ 10",
        None,
    ),
    ("evaluate", {"expr": "(" * 300 + "1" + ")" * 300}, "brackets nested deeper than 200", (1, 201)),
    (
        "evaluate",
        {"expr": "cosine(0.1→0)", "total_steps": 10**16},
        "total steps must be a whole number from 0 to 1e+15, got 10000000000000000",
        None,
    ),
    ("generate", {"expr": "const(1)", "target": "tf"}, "unknown target 'tf'", None),
    (
        "generate",
        {"expr": "lr: const(1)\nema: const(0.9)", "target": "python"},
        "a set's code is generated one member at a time",
        None,
    ),
    ("fit", {"values": []}, "'values' must be a list of 1 to 1,000,000 numbers", None),
    ("fit", {"values": [1, 2], "steps": [0]}, "'steps' must be a list as long as 'values'", None),
    ("fit", {"values": [1, 2], "steps": [0, -1]}, "'steps' must be whole numbers, not negative", None),
    ("fit", {"file": "%%%", "name": "a.csv"}, "'file' must be the file's bytes in base64", None),
    ("fit", {"file": "", "name": "a.exe"}, "a curve file is one of .csv, .tsv, .txt, .json, .npy", None),
    (
        "fit",
        {"file": base64.b64encode(b"step,lr\n0,x\n").decode(), "name": "a.csv"},
        "cannot read a.csv: line 2: 'lr' is 'x', not a number",
        None,
    ),
    (
        "compare",
        {"a": "const(1)", "b": "const(2)", "total_steps": 5, "params": {"a": 1}},
        "compare takes no params",
        None,
    ),
    ("import", {"framework": "tf", "code": "X()"}, "unknown framework 'tf'", None),
    (
        "import",
        {"framework": "torch", "code": "/etc/passwd.json"},
        "the playground imports a call's text, not a file",
        None,
    ),
]


@pytest.mark.parametrize(("endpoint", "body", "message", "where"), REFUSED, ids=[r[2][:40] for r in REFUSED])
def test_bad_requests_are_400_with_the_message(
    port: int, endpoint: str, body: dict[str, Any], message: str, where: tuple[int, int] | None
) -> None:
    status, got = post(port, endpoint, body)
    assert status == 400, got
    error = got["error"]
    assert error["message"] == message
    assert set(error) == {"message", "line", "column", "hint", "text"}
    if where is not None:
        assert (error["line"], error["column"]) == where and "^" in error["text"]


def test_not_json_and_other_bodies(port: int) -> None:
    for raw in (b"[[[[", b"[" * 100_000, b"\xff\xfe", b"[1, 2]"):
        status, got, _ = ask(port, "POST", "/api/evaluate", raw=raw)
        assert status == 400 and "error" in got
    status, got, _ = ask(port, "POST", "/api/evaluate", raw=b"{}", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, got, _ = ask(port, "POST", "/api/nothing", {"expr": "const(1)"})
    assert status == 404 and got["error"]["message"] == "no endpoint '/api/nothing'"
    status, got, _ = ask(port, "GET", "/../../etc/passwd")
    assert status == 404


def test_a_body_over_the_limit_is_refused_unread(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", "/api/evaluate")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(MAX_BODY + 1))
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 413
    conn.close()


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example:8765", "", "localhost.evil"])
def test_other_host_names_are_refused(port: int, host: str) -> None:
    status, got, _ = ask(port, "GET", "/", headers={"Host": host})
    assert status == 403 and "by IP or localhost" in got["error"]["message"]


def test_host_rule() -> None:
    assert host_allowed("127.0.0.1:8765", ()) and host_allowed("localhost:8765", ()) and host_allowed("[::1]:8765", ())
    assert host_allowed("192.168.1.5:8765", ()) and host_allowed("box.lan:8765", ("box.lan",))
    assert not host_allowed("box.lan:8765", ()) and not host_allowed(None, ()) and not host_allowed("a" * 300, ())


def test_one_request_at_a_time_per_client_and_a_cap_in_all() -> None:
    gate = _Gate()
    assert gate.enter("10.0.0.1") is None
    assert gate.enter("10.0.0.1") == 429
    for k in range(2, 5):
        assert gate.enter(f"10.0.0.{k}") is None
    assert gate.enter("10.0.0.9") == 503
    gate.leave("10.0.0.1")
    assert gate.enter("10.0.0.9") is None


def test_the_command_refuses_a_busy_port_and_warns_off_loopback(capsys: pytest.CaptureFixture[str], port: int) -> None:
    import argparse

    from lrdsl.serve.command import add_arguments, run

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--port", str(port)])) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    assert run(parser.parse_args(["--port", "70000"])) == 2


# ---------------------------------------------------------------- what the command line is attacked with

RED_TEAM = [
    # huge totals, each piece's own limits
    {"expr": "cosine(0.1→0)", "total_steps": 10**15},
    {"expr": "cosine(0.1→0) * restart(period=1)", "total_steps": 10**15},
    {"expr": "cosine(1→0, 1e15) * restart(cycles=1e6)"},
    {"expr": "linear(1→0, 10) * offset(-1e15)"},
    {"expr": "recur(lr * 0.5 + sin(lr), 1e12, every=10, from=1)"},
    {"expr": "fn(u / 100, 1e14)"},
    {"expr": "exp(exp(exp(u)))", "total_steps": 10**9},
    {"expr": "const(1e308) * 10", "total_steps": 10},
    # nesting and size at and past the parser's bounds
    {"expr": "(" * 199 + "1" + ")" * 199, "total_steps": 5},
    {"expr": "-" * 5000 + "1", "total_steps": 5},
    {"expr": "multistep(0.1, at=[" + ", ".join(str(10 * i + 1) for i in range(10_000)) + "])", "total_steps": 10**9},
    {"expr": " >> ".join(f"cosine({0.1 + i * 1e-6}→0, 10)" for i in range(1_500))},
    # hostile text
    {"expr": 'cosine(1→0, 100)  # """; import os; os.system("x")'},
    {"expr": "cosine($evil→0, 100)"},
    {"expr": "\x1b[2J\u202ecosine(0.1→0)", "total_steps": 10},
    {"expr": "lr: cosine(0.1→0)\n" * 70, "total_steps": 10},
]


@pytest.mark.parametrize("body", RED_TEAM, ids=[str(k) for k in range(len(RED_TEAM))])
def test_the_red_team_gets_answers_not_failures(port: int, body: dict[str, Any]) -> None:
    for endpoint, extra in (("evaluate", {"points": 500}), ("generate", {"target": "torch"})):
        status, got = post(port, endpoint, {**body, **extra})
        assert status in (200, 400), (endpoint, status, got)
        if status == 200 and endpoint == "evaluate":
            assert len(got["steps"]) <= 1000 and all(v is None or abs(v) < float("inf") for v in got["values"])
        if status == 400:
            assert got["error"]["message"] and "Traceback" not in got["error"]["text"]


def test_lrdsl_serve_is_a_command(port: int, capsys: pytest.CaptureFixture[str]) -> None:
    from lrdsl.cli import main

    assert main(["serve", "--port", str(port)]) == 2  # the port is taken: a clear error, exit 2
    assert f"error: cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
