#!/usr/bin/env python3
"""Runs the benchmark of `make bench` and prints its table.

The programs read the same inputs, side by side, run after run (the order
rotates within each round, so a noisy neighbour hurts all alike):

  floor          bench/floor.c: libyaml's event loop alone (parse, delete, count)
  check          `render-check check` end to end, the triage JSON written
  check --chart  the same with the chart behind the stream (static ownership)
  blame          `render-check blame --chart` (the largest stream: peak RSS)
  python         tools/reference_check.py over PyYAML's C loader

Each run is timed from process start to exit and its peak resident memory
read by GNU time. Latency rows spawn the floor and render-check alternately
(posix_spawn, no shell) and report the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

DEVNULL = subprocess.DEVNULL


TIME = shutil.which("time", path="/usr/bin:/bin") or None


def run_once(argv: list[str], accept: tuple[int, ...] = (0, 1)) -> dict:
    """Wall time, CPU time and peak RSS of one process.

    The peak RSS comes from GNU time (`%M`) when it is installed: a process
    forked from this Python interpreter would report the interpreter's own
    resident size as its peak (the kernel keeps the pre-exec high-water mark).
    """
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as measured:
        command = [TIME, "-f", "%M %U %S", "-o", measured.name, *argv] if TIME else argv
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        process.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in accept:
            sys.exit(f"bench: `{' '.join(argv)}` exited {code}:\n{error[-2000:]}")
        if TIME:
            fields = measured.read().split()[-3:]
            rss_kib, user, system = int(fields[0]), float(fields[1]), float(fields[2])
            return {"wall": wall, "cpu": user + system, "rss": rss_kib * 1024}
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024}


def machine() -> list[str]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return [
        f"cores (nproc): {os.cpu_count()}",
        f"cpu: {model}",
        f"kernel: {platform.system()} {platform.release()}",
        f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    ]


def mib(value: float) -> str:
    return f"{value / (1 << 20):.1f}"


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def spawn_wall(argv: list[str]) -> float:
    """Wall time of one process, spawned directly (no shell, no Python fork)."""
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    os.waitpid(pid, 0)
    return time.perf_counter() - start


def paired_latency(floor: list[str], ours: list[str], runs: int) -> dict:
    """Whole-process latency of two commands run alternately; the median of
    the per-pair ratios cancels what the neighbours do over a minute."""
    for _ in range(5):
        spawn_wall(floor), spawn_wall(ours)
    pairs = [(spawn_wall(floor), spawn_wall(ours)) for _ in range(runs)]
    return {"floor": statistics.median(p[0] for p in pairs), "ours": statistics.median(p[1] for p in pairs),
            "ratio": statistics.median(p[1] / p[0] for p in pairs), "runs": runs}


def _quote(argument: str) -> str:
    return argument if argument and all(c.isalnum() or c in "-_./=:," for c in argument) else repr(argument)


def supports(binary: str, subcommand: str, flag: str) -> bool:
    result = subprocess.run([binary, subcommand, "--help"], capture_output=True, text=True)
    return flag in result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", required=True)
    parser.add_argument("--render-check", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--reference", default="tools/reference_check.py")
    parser.add_argument("--contract", default=None, help="default: DATA/contract.json (make_inputs.py)")
    parser.add_argument("--allowlist", default="ops/policy/layer-live-diff-allowlist.json")
    parser.add_argument("--today", default="2026-01-01")
    parser.add_argument("--data", default="bench-data")
    parser.add_argument("--chart", default="charts-fixtures/bijux-atlas", help="the chart behind the stream for --chart and blame")
    parser.add_argument("--small", default="charts-fixtures/rendered/bijux-atlas.yaml", help="the small chart render")
    parser.add_argument("--sizes", default="50,500", help="stream sizes in MB (bench/make_inputs.py names)")
    parser.add_argument("--runs", type=int, default=5, help="runs per program on the first size")
    parser.add_argument("--runs-large", type=int, default=3, help="runs per program on the larger sizes")
    parser.add_argument("--python-large", action="store_true", help="also run the Python reference on the larger sizes")
    parser.add_argument("--latency-runs", type=int, default=50)
    parser.add_argument("--json", help="also write the measurements here")
    options = parser.parse_args()
    contract = options.contract or os.path.join(options.data, "contract.json")

    scratch = tempfile.mkdtemp(prefix="render-check-bench-")
    report = os.path.join(scratch, "triage.json")
    python_out = os.path.join(scratch, "reference.json")
    check = [options.render_check, "check"]
    common = ["--no-config", "--contract", contract, "--allowlist", options.allowlist,
              "--today", options.today, "--format", "json", "--output", report]
    # The throughput and memory rows are of the static reading (spec section 10): measured
    # ownership has its own rows below, and its helm processes would count in the peak RSS.
    static = ["--ownership", "static"] if supports(options.render_check, "check", "--ownership") else []
    with_chart = ["--chart", options.chart, "--release", "atlas-e2e", "--namespace", "atlas-e2e"] + static

    def commands(path: str, large: bool) -> dict[str, list[str]]:
        programs = {
            "floor": [options.floor, path],
            "check": check + [path] + common,
            "check --chart": check + [path] + common + with_chart,
        }
        if not large or options.python_large:
            programs["python"] = [options.python, options.reference, "--contract", contract,
                                  "--allowlist", options.allowlist, "--today", options.today, "--out", python_out, path]
        if large:
            programs["blame"] = [options.render_check, "blame", "--chart", options.chart, "--release", "atlas-e2e", *static, path]
        return programs

    print("render-check benchmark")
    for line in machine():
        print(f"  {line}")
    print()

    sizes = [int(size) for size in options.sizes.split(",") if size]
    measurements: dict = {"machine": machine(), "streams": {}, "latency": {}}
    rows = []
    for position, size in enumerate(sizes):
        path = os.path.join(options.data, f"stream-{size}mb.yaml")
        size_bytes = os.path.getsize(path)
        runs = options.runs if position == 0 else options.runs_large
        programs = commands(path, large=position > 0)
        results: dict[str, list[dict]] = {name: [] for name in programs}
        names = list(programs)
        for round_number in range(runs):
            # Rotate the order so no program always runs right after another.
            order = names[round_number % len(names):] + names[:round_number % len(names)]
            for name in order:
                results[name].append(run_once(programs[name]))
        summary = {}
        for name, runs_of in results.items():
            wall = median(runs_of, "wall")
            summary[name] = {
                "wall": wall, "min": min(run["wall"] for run in runs_of), "cpu": median(runs_of, "cpu"),
                "rss": max(run["rss"] for run in runs_of),
                "throughput": size_bytes / wall / 1e6, "runs": len(runs_of),
                "walls": [round(run["wall"], 3) for run in runs_of],
            }
        # Each round ran every program once, back to back: the ratio within a
        # round cancels what a busy neighbour does to the machine over minutes.
        for name in results:
            if name != "floor":
                summary[name]["paired"] = statistics.median(
                    floor_run["wall"] / run["wall"] for floor_run, run in zip(results["floor"], results[name]))
        measurements["streams"][f"{size}MB"] = {"bytes": size_bytes, "programs": summary}
        rows.append((size, size_bytes, summary))

    print("Streams: the shared charts' and the fixtures' renders repeated as they are (bench/make_inputs.py);")
    print("median wall time from process start to exit; peak RSS is the largest of the runs")
    print()
    print("| stream | program | runs | median s | min s | MB/s (median) | median CPU s | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, size_bytes, summary in rows:
        for name, entry in summary.items():
            print(f"| {size_bytes / 1e6:.0f} MB | {name} | {entry['runs']} | {entry['wall']:.2f} | {entry['min']:.2f} | "
                  f"{entry['throughput']:.1f} | {entry['cpu']:.2f} | {mib(entry['rss'])} |")
    print()

    fixture = options.small
    small = paired_latency([options.floor, fixture], check + [fixture] + common, options.latency_runs)
    # The editor task: a bare `render-check` here (.render-check.yaml: chart,
    # contract, allowlist, stack), against the floor on the fixture render.
    bare = paired_latency([options.floor, fixture], [options.render_check, "--today", options.today],
                          options.latency_runs) if os.path.exists(".render-check.yaml") else None
    version = paired_latency([options.floor, fixture], [options.render_check, "--version"], options.latency_runs)
    measurements["latency"] = {"small chart render": small, "editor task": bare, "--version": version}

    ownership = []
    if supports(options.render_check, "blame", "--ownership"):
        # Each render with the release and namespace it was made with, so that the
        # measured leaves are found again in it.
        charts = [(options.chart, "charts-fixtures/rendered/bijux-atlas.yaml", "atlas-e2e"),
                  ("charts-fixtures/relay", "charts-fixtures/rendered/relay.yaml", "relay-e2e")]
        for chart, rendered, release in charts:
            if not os.path.exists(rendered):
                continue
            cache = tempfile.mkdtemp(prefix="render-check-ownership-")
            argv = [options.render_check, "blame", "--ownership", "exact", "--chart", chart,
                    "--release", release, "--namespace", "atlas-e2e", rendered]
            environment = dict(os.environ, XDG_CACHE_HOME=cache, RENDER_CHECK_CACHE=cache)
            timings = {}
            for temperature in ("cold", "warm"):
                start = time.perf_counter()
                result = subprocess.run(argv, capture_output=True, text=True, env=environment)
                timings[temperature] = time.perf_counter() - start
                # A measurement prints how many renders it took; a cache hit prints nothing
                # and its owners still say `[measured]`: no render was run.
                renders = next((word for line in result.stderr.splitlines() if "Helm renders" in line
                                for word in line.split() if word.isdigit()),
                               "0" if "[measured]" in result.stdout else "?")
                timings[temperature + " renders"] = renders
                timings["status"] = result.returncode
            shutil.rmtree(cache, ignore_errors=True)
            ownership.append((chart, timings))
        measurements["ownership"] = ownership

    first = rows[0]
    large = rows[-1] if len(rows) > 1 else None

    def row(measure: str, result: str, target: str) -> None:
        print(f"| {measure} | {result} | {target} |")

    print("Summary: every row a ratio measured side by side in this run (medians of paired rounds)")
    print()
    print("| measure | result | target |")
    print("| --- | --- | --- |")
    f = first[2]
    row(f"plain check, {first[1] / 1e6:.0f} MB, x the libyaml event floor's throughput",
        f"**{f['check']['paired']:.2f}x** (CPU time {f['floor']['cpu'] / f['check']['cpu']:.2f}x)", ">= 0.9")
    row(f"with `--chart`, {first[1] / 1e6:.0f} MB, x the floor",
        f"**{f['check --chart']['paired']:.2f}x** (CPU time {f['floor']['cpu'] / f['check --chart']['cpu']:.2f}x)", ">= 0.7")
    if "python" in f:
        row("speed-up over the PyYAML C-loader reference check",
            f"**{f['check']['paired'] / f['python']['paired']:.1f}x**", ">= 6.5")
    if large:
        l = large[2]
        for name, label in (("check", "plain check"), ("check --chart", "`--chart`"), ("blame", "`blame`")):
            if name in l:
                at_first = f.get(name, {}).get("rss")
                row(f"peak RSS, {label}, {large[1] / 1e6:.0f} MB", f"**{mib(l[name]['rss'])} MiB**"
                    + (f" ({mib(at_first)} MiB at {first[1] / 1e6:.0f} MB)" if at_first else ""), "<= 64 MiB")
    row(f"small chart render ({os.path.basename(fixture)}), whole process, x the floor's process",
        f"**{small['ratio']:.1f}x** ({small['ours'] * 1e3:.1f} ms vs {small['floor'] * 1e3:.1f} ms)", "<= 3")
    if bare:
        row("the editor task: bare `render-check` here, x the floor's process on the fixture render",
            f"**{bare['ratio']:.1f}x** ({bare['ours'] * 1e3:.1f} ms)", "<= 5")
    row("`render-check --version`, x the floor's process", f"{version['ratio']:.1f}x ({version['ours'] * 1e3:.1f} ms)", "-")
    if ownership:
        for chart, timings in ownership:
            row(f"measured ownership, {chart}: renders and time, cold / warm cache",
                f"{timings['cold renders']} renders {timings['cold']:.2f} s / {timings['warm renders']} renders {timings['warm']:.2f} s",
                "<= 25 renders, 3 s / 0 renders, 0.1 s")
    else:
        row("measured ownership: renders and time per chart", "not measured: this binary has no `blame --ownership`", "<= 25, 3 s")
    print()

    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(measurements, handle, indent=2)
            handle.write("\n")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
