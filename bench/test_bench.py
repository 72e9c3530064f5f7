"""The benchmark runner and the load client: verdicts, failed modules, the Markdown table, error accounting."""

import asyncio
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import peak  # noqa: E402
import run  # noqa: E402


def test_verdict_reads_the_target():
    assert common.verdict(common.row("a", 250, "MB", target="<= 300")) == "pass"
    assert common.verdict(common.row("a", 301, "MB", target="<= 300")) == "miss"
    assert common.verdict(common.row("a", 0.5, "ratio", target=">= 0.5")) == "pass"
    assert common.verdict(common.row("a", 0.49, "ratio", target=">= 0.5")) == "miss"
    assert common.verdict(common.row("a", 3, "requests", target="== 0")) == "miss"
    assert common.verdict(common.row("a", 1_200, "s", target="<= 1,200")) == "pass"
    assert common.verdict(common.row("a", 7, "ms")) == ""
    assert common.verdict(common.row("a", None, "MB", target="<= 300")) == "failed"
    assert common.verdict(common.failed_row("a", "boom")) == "failed"
    assert common.verdict({**common.row("a", 1, "x", target="<= 0"), "ok": True}) == "pass"


def test_a_missing_module_is_a_failed_row():
    rows, info = run.run_module("no_such_bench", "quick")
    assert info["ok"] is False and "missing" in info["error"]
    assert rows[0]["failed"] and "bench/no_such_bench.py is missing" in rows[0]["note"]


def test_a_module_that_raises_is_a_failed_row(tmp_path, monkeypatch):
    (tmp_path / "broken_bench.py").write_text("def run(scale):\n    raise ValueError('no data for ' + scale)\n")
    (tmp_path / "run.py").write_text(Path(run.__file__).read_text())
    (tmp_path / "common.py").write_text(Path(common.__file__).read_text())
    monkeypatch.setattr(run, "BENCH", tmp_path)
    rows, info = run.run_module("broken_bench", "quick")
    assert info["ok"] is False
    assert "ValueError: no data for quick" in info["error"]
    assert rows == [common.failed_row("broken_bench", info["error"])]


def test_markdown_marks_each_row_and_escapes_cells():
    rows = [
        {**common.row("peak RSS", 801.8, "MB", target="<= 300", note="a | b"), "module": "memory"},
        {**common.row("queries", 12, "queries"), "module": "memory"},
    ]
    for r in rows:
        r["result"] = common.verdict(r)
    report = {
        "scale": "quick",
        "seconds": 60,
        "machine": {**common.machine(), "date": "2026-12-01 09:00 UTC"},
        "modules": {"memory": {"seconds": 60, "ok": True, "error": ""}},
        "rows": rows,
    }
    text = run.markdown(report)
    assert "| peak RSS | 801.8 | MB | <= 300 | — | **miss** |" in text
    assert "| queries | 12 | queries | — | — |  |" in text
    assert "- peak RSS: a \\| b" in text
    assert "1 miss" in text and "0 failed" in text


def test_only_some_modules_carries_the_others_over(tmp_path, monkeypatch):
    last = {
        "scale": "quick",
        "machine": {"date": "2026-12-01 08:00 UTC"},
        "modules": {"a": {"seconds": 1, "ok": True, "error": ""}, "b": {"seconds": 2, "ok": True, "error": ""}},
        "rows": [{"name": "old a", "module": "a"}, {"name": "old b", "module": "b"}],
    }
    (tmp_path / "latest.json").write_text(json.dumps(last))
    monkeypatch.setattr(run, "RESULTS", tmp_path)
    new_rows = [{"name": "new b", "module": "b"}]
    rows, modules = run.carry_over("quick", ["b"], new_rows, {"b": {"seconds": 3, "ok": True, "error": ""}})
    assert [r["name"] for r in rows] == ["old a", "new b"]
    assert modules["a"]["carried"] == "2026-12-01 08:00 UTC" and "carried" not in modules["b"]
    assert run.carry_over("full", ["b"], new_rows, {"b": {}}) == (new_rows, {"b": {}})


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  http.server's naming
        status = 500 if self.path == "/fail" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_the_load_client_counts_answers_errors_and_what_it_could_not_send():
    server = ThreadingHTTPServer((peak.HOST, 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        requests = [peak.Request("GET", "/ok", key=(n, None)) for n in range(20)] + [peak.Request("GET", "/fail")]
        seconds, statuses, latencies, errors, ok_keys = asyncio.run(
            peak._drive(requests, [port], rate=None, concurrency=4, limit_s=30, timeout=5, timed=False)
        )
        assert statuses == {200: 20, 500: 1} and errors == {}
        assert sorted(ok_keys) == [(n, None) for n in range(20)] and len(latencies) == 21

        # Open loop at 100/s for 0.3 s: about 30 sent, the other 70 not sent in time (errors, unless timed).
        many = [peak.Request("GET", "/ok")] * 100
        _, statuses, _, errors, _ = asyncio.run(
            peak._drive(many, [port], rate=100, concurrency=8, limit_s=0.3, timeout=5, timed=False)
        )
        assert statuses[200] + errors["not sent in time"] == 100 and errors["not sent in time"] >= 60
        _, _, _, errors, _ = asyncio.run(
            peak._drive(many, [port], rate=100, concurrency=8, limit_s=0.3, timeout=5, timed=True)
        )
        assert errors == {}

        # Nothing listening: refused connections are errors, never answers.
        server.shutdown()
        server.server_close()
        _, statuses, _, errors, _ = asyncio.run(
            peak._drive(requests[:3], [port], rate=None, concurrency=1, limit_s=5, timeout=2, timed=False)
        )
        assert statuses == {} and sum(errors.values()) == 3
    finally:
        server.shutdown() if thread.is_alive() else None


def test_the_runner_runs_benchmark_modules_and_not_its_own_tests():
    names = run.module_names()
    assert names[: len(run.MODULES)] == run.MODULES
    assert "test_bench" not in names
    assert all((run.BENCH / f"{name}.py").exists() for name in names)
