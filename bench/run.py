"""Run every benchmark, write bench/results/latest.json and BENCHMARKS.md.

    make bench               # quick scale, for development (a few minutes)
    make bench SCALE=full    # the full scale (the figures quoted in docs/scaling.md)
    .venv/bin/python bench/run.py --scale quick --only peak --only memory

Each module in MODULES (and any other bench/*_bench.py) exposes `run(scale) -> list[dict]`. It runs in a
child process of its own (each picks its own database before setting up Django), with a time limit. A
module that is missing, fails or overruns becomes a failed row carrying its error, and the run exits
non-zero at the end. A target missed is reported as "miss", not as a failure.
"""

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from common import RESULTS, ROOT, failed_row, machine, postgres_available, verdict  # noqa: E402

# In this order: national builds the national data set that figures_bench times and memory reads.
MODULES = ["dispatch_bench", "excel_bench", "national", "figures_bench", "peak", "memory", "policies_bench"]
# Seconds a module may take, by scale; it is stopped (and reported failed) beyond.
LIMITS = {"quick": 900, "full": 3600}
REQUIRED = ("name", "value", "unit", "target", "baseline", "note")


def module_names() -> list[str]:
    # bench/test_bench.py matches the pattern but is pytest's test of this runner, not a benchmark.
    extra = sorted(p.stem for p in BENCH.glob("*_bench.py") if p.stem not in MODULES and not p.stem.startswith("test_"))
    return MODULES + extra


def first_line(name: str) -> str:
    path = BENCH / f"{name}.py"
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    for quote in ('"""', "'''"):
        if text.lstrip().startswith(quote):
            return text.lstrip()[3:].split("\n", 1)[0].strip().rstrip(".")
    return ""


def child(name: str, scale: str, out: str) -> None:
    """In the child process: import the module by name, run it, write its rows."""
    module = importlib.import_module(name)
    if not hasattr(module, "run"):
        raise SystemExit(f"bench/{name}.py has no run(scale) function")
    rows = module.run(scale)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SystemExit(f"bench/{name}.py: run() must return a list of dicts")
    for r in rows:
        missing = [k for k in REQUIRED if k not in r]
        if missing:
            raise SystemExit(f"bench/{name}.py: row {r.get('name')!r} lacks {missing}")
    Path(out).write_text(json.dumps(rows, ensure_ascii=False, default=str), encoding="utf-8")


def run_module(name: str, scale: str) -> tuple[list[dict], dict]:
    started = time.monotonic()
    if not (BENCH / f"{name}.py").exists():
        error = f"bench/{name}.py is missing"
        return [failed_row(f"{name}", error)], {"seconds": 0, "ok": False, "error": error}
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    command = [sys.executable, str(BENCH / "run.py"), "--child", name, "--scale", scale, "--out", out]
    print(f"== {name} ({scale})", flush=True)
    try:
        process = subprocess.Popen(  # noqa: S603  our own interpreter and script
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        tail: list[str] = []

        def echo() -> None:
            for line in process.stdout:
                print(f"   {line}", end="", flush=True)
                tail.append(line.rstrip())
                del tail[:-15]

        reader = threading.Thread(target=echo, daemon=True)
        reader.start()
        try:
            process.wait(timeout=LIMITS[scale])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the module and the servers it started
            process.wait()
        reader.join(timeout=5)
        if process.returncode == -signal.SIGKILL and time.monotonic() - started >= LIMITS[scale]:
            error = f"stopped after {LIMITS[scale]} s"
        elif process.returncode != 0:
            error = " | ".join(tail[-6:]) or f"exit code {process.returncode}"
        else:
            error = ""
        rows = [] if error else json.loads(Path(out).read_text(encoding="utf-8"))
    except Exception as e:  # noqa: BLE001  a benchmark's failure is reported, not raised
        error, rows = f"{type(e).__name__}: {e}", []
    finally:
        Path(out).unlink(missing_ok=True)
    seconds = round(time.monotonic() - started, 1)
    if error:
        rows = [failed_row(f"{name}", error)]
    print(f"== {name}: {'failed: ' + error if error else f'{len(rows)} figures'} in {seconds} s", flush=True)
    return rows, {"seconds": seconds, "ok": not error, "error": error}


# --- BENCHMARKS.md ---------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}".removesuffix(".0")
    elif isinstance(value, int):
        value = f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(report: dict) -> str:
    m = report["machine"]
    rows = report["rows"]
    counts = {v: sum(1 for r in rows if r["result"] == v) for v in ("pass", "miss", "failed")}
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench{' SCALE=full' if report['scale'] == 'full' else ''}` (bench/run.py, scale "
        f"**{report['scale']}**) on {m['date']}, commit {m['commit']}, in {report['seconds'] / 60:.1f} minutes. "
        "Each figure beside its target and the baseline measured in the same run; how they are measured: "
        "[bench/README.md](bench/README.md); what they mean for the deployment: "
        "[docs/scaling.md](docs/scaling.md). Do not edit by hand: run the benchmarks again.",
        "",
        f"**Machine:** {m['cores']} cores ({m['cpu']}), {m['memory']} memory, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, {m['os']}; load average at the start {m['load_average_at_start']}.",
        "",
        f"**Summary:** {len(rows)} figures: {counts['pass']} pass, {counts['miss']} miss, "
        f"{counts['failed']} failed, the others have no target.",
        "",
    ]
    for name, info in report["modules"].items():
        mine = [r for r in rows if r["module"] == name]
        title = first_line(name)
        lines += [f"## {name}: {title}" if title else f"## {name}", ""]
        carried = f" Carried over from the run of {info['carried']}." if info.get("carried") else ""
        failed = f" **Failed:** {_cell(info['error'])}" if not info["ok"] else ""
        lines += [f"{info['seconds']:.0f} s.{carried}{failed}", ""]
        lines += ["| figure | value | unit | target | baseline | result |", "|---|---:|---|---|---:|---|"]
        for r in mine:
            result = {"pass": "pass", "miss": "**miss**", "failed": "**failed**"}.get(r["result"], "")
            lines.append(
                f"| {_cell(r['name'])} | {_cell(r['value'])} | {_cell(r['unit'])} | {_cell(r['target'])} "
                f"| {_cell(r['baseline'])} | {result} |"
            )
        notes = [r for r in mine if r.get("note")]
        if notes:
            lines += [""] + [f"- {_cell(r['name'])}: {_cell(r['note'])}" for r in notes]
        lines.append("")
    return "\n".join(lines)


def carry_over(scale: str, names: list[str], rows: list[dict], modules: dict) -> tuple[list[dict], dict]:
    path = RESULTS / "latest.json"
    if not path.exists():
        return rows, modules
    last = json.loads(path.read_text(encoding="utf-8"))
    if last.get("scale") != scale:
        return rows, modules
    merged_rows, merged_modules = [], {}
    for name in [*last["modules"], *(n for n in names if n not in last["modules"])]:
        if name in names:
            merged_modules[name] = modules[name]
            merged_rows += [r for r in rows if r["module"] == name]
        else:
            info = last["modules"][name]
            merged_modules[name] = {**info, "carried": info.get("carried") or last["machine"]["date"]}
            merged_rows += [r for r in last["rows"] if r["module"] == name]
    return merged_rows, merged_modules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", choices=["quick", "full"], default="quick")
    parser.add_argument("--only", action="append", help="run only this module (repeatable)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print, but write neither file")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.scale, args.out)
        return 0

    started = time.monotonic()
    if not postgres_available():
        print("PostgreSQL at 127.0.0.1:5432 does not answer; the PostgreSQL benchmarks will fail.", flush=True)
    facts = machine()
    names = args.only or module_names()
    rows, modules = [], {}
    for name in names:
        found, info = run_module(name, args.scale)
        modules[name] = info
        for r in found:
            rows.append({**r, "module": name, "result": verdict(r)})
    if args.only:
        # The modules not run keep their rows from the last run of the same scale, marked as carried over.
        rows, modules = carry_over(args.scale, names, rows, modules)
    report = {
        "scale": args.scale,
        "machine": facts,
        "seconds": round(time.monotonic() - started, 1),
        "modules": modules,
        "rows": rows,
    }
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n")
        (ROOT / "BENCHMARKS.md").write_text(markdown(report) + "\n", encoding="utf-8")
    width = max((len(r["name"]) for r in rows), default=10)
    print()
    for r in rows:
        value = "—" if r["value"] is None else _cell(r["value"])
        print(f"{r['name'][:70]:<{min(width, 70)}}  {value:>12} {r['unit']:<10} {r['target'] or '':<10} {r['result']}")
    failed = [n for n, info in modules.items() if not info["ok"]]
    print(f"\n{len(rows)} figures in {report['seconds'] / 60:.1f} min; failed modules: {', '.join(failed) or 'none'}")
    if not args.no_write:
        print("Wrote bench/results/latest.json and BENCHMARKS.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
