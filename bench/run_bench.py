#!/usr/bin/env python3
"""Runs the benchmark of `make bench` and prints its table.

Three programs read the same inputs, side by side, run after run (the
order rotates within each round, so a noisy neighbour hurts all alike):

  floor         bench/floor.c: libyaml's event loop alone (parse, delete, count)
  render-check  `render-check check` end to end, the triage JSON written
  python        tools/reference_check.py over PyYAML's C loader

Each run is timed from process start to exit (fork/exec to wait4) and its
peak resident memory is read from wait4's rusage. Medians are reported.
Latency on the plain fixture is measured with hyperfine when it is
installed (`-N`, no shell), else by the same fork/exec timing.
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


def latency(commands: dict[str, list[str]], runs: int) -> dict[str, dict]:
    """Median whole-process latency of each command, in seconds."""
    results: dict[str, dict] = {}
    hyperfine = shutil.which("hyperfine")
    for name, argv in commands.items():
        if hyperfine:
            with tempfile.NamedTemporaryFile(suffix=".json") as export:
                subprocess.run([hyperfine, "-N", "-i", "--style", "none", "--warmup", "5", "--runs", str(runs),
                                "--export-json", export.name, " ".join(_quote(a) for a in argv)],
                               check=True, stdout=DEVNULL, stderr=DEVNULL)
                with open(export.name, encoding="utf-8") as handle:
                    data = json.load(handle)["results"][0]
            results[name] = {"median": data["median"], "min": data["min"], "max": data["max"], "tool": "hyperfine -N"}
        else:
            for _ in range(5):
                run_once(argv)
            times = [run_once(argv)["wall"] for _ in range(runs)]
            results[name] = {"median": statistics.median(times), "min": min(times), "max": max(times),
                             "tool": "fork/exec + wait4"}
    return results


def _quote(argument: str) -> str:
    return argument if argument and all(c.isalnum() or c in "-_./=:," for c in argument) else repr(argument)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", required=True)
    parser.add_argument("--render-check", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--reference", default="tools/reference_check.py")
    parser.add_argument("--contract", default="ops/inventory/layers.json")
    parser.add_argument("--allowlist", default="ops/policy/layer-live-diff-allowlist.json")
    parser.add_argument("--today", default="2026-01-01")
    parser.add_argument("--data", default="bench-data")
    parser.add_argument("--sizes", default="50,500", help="stream sizes in MB (bench/make_inputs.py names)")
    parser.add_argument("--runs", type=int, default=5, help="runs per program on the first size")
    parser.add_argument("--runs-large", type=int, default=3, help="runs per program on the larger sizes")
    parser.add_argument("--python-large", action="store_true", help="also run the Python reference on the larger sizes")
    parser.add_argument("--latency-runs", type=int, default=50)
    parser.add_argument("--json", help="also write the measurements here")
    options = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="render-check-bench-")
    report = os.path.join(scratch, "triage.json")
    python_out = os.path.join(scratch, "reference.json")

    def commands(path: str) -> dict[str, list[str]]:
        return {
            "floor": [options.floor, path],
            "render-check": [options.render_check, "check", path, "--no-config",
                             "--contract", options.contract, "--allowlist", options.allowlist,
                             "--today", options.today, "--format", "json", "--output", report],
            "python": [options.python, options.reference, "--contract", options.contract,
                       "--allowlist", options.allowlist, "--today", options.today, "--out", python_out, path],
        }

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
        programs = commands(path)
        if position > 0 and not options.python_large:
            programs.pop("python")
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

    print("Throughput (median wall time from process start to exit; peak RSS is the largest of the runs)")
    print()
    print("| stream | program | runs | median s | min s | MB/s (median) | median CPU s | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, size_bytes, summary in rows:
        for name in ("floor", "render-check", "python"):
            if name in summary:
                entry = summary[name]
                print(f"| {size_bytes / 1e6:.0f} MB | {name} | {entry['runs']} | {entry['wall']:.2f} | {entry['min']:.2f} | "
                      f"{entry['throughput']:.1f} | {entry['cpu']:.2f} | {mib(entry['rss'])} |")
    print()
    for size, size_bytes, summary in rows:
        floor, ours = summary["floor"], summary["render-check"]
        line = (f"{size_bytes / 1e6:.0f} MB: render-check runs at {ours['paired']:.2f}x the floor's throughput "
                f"(median of the rounds' ratios; medians {floor['wall'] / ours['wall']:.2f}x, "
                f"best runs {floor['min'] / ours['min']:.2f}x, CPU time {floor['cpu'] / ours['cpu']:.2f}x)")
        if "python" in summary:
            python = summary["python"]
            line += (f"; {1 / python['paired'] * ours['paired']:.1f}x faster than the Python reference "
                     f"(medians {python['wall'] / ours['wall']:.1f}x)")
        line += f"; peak RSS {mib(ours['rss'])} MiB"
        print(line)
    print()

    fixture = os.path.join(options.data, "fixture.yaml")
    latency_commands = dict(commands(fixture))
    # The repository's own check, as `make ops/contract-check` runs it:
    # .render-check.yaml (the chart for ownership, the rendered fixture and
    # the five stack files), the triage written.
    repository_check = "render-check, repository check"
    if os.path.exists(".render-check.yaml"):
        latency_commands[repository_check] = [options.render_check, "check", "--today", options.today,
                                              "--output", os.path.join(scratch, "repository.json")]
    lat = latency(latency_commands, options.latency_runs)
    measurements["latency"] = lat
    print(f"Latency, whole process ({options.latency_runs} runs, {next(iter(lat.values()))['tool']}): "
          f"the plain fixture ({os.path.getsize(fixture)} bytes, one stream) for all three, and the "
          f"repository's own check (`make ops/contract-check`: chart ownership, 6 inputs)")
    print()
    print("| program | median ms | min ms | max ms |")
    print("| --- | --- | --- | --- |")
    for name in ("floor", "render-check", "python", repository_check):
        if name in lat:
            entry = lat[name]
            print(f"| {name} | {entry['median'] * 1e3:.1f} | {entry['min'] * 1e3:.1f} | {entry['max'] * 1e3:.1f} |")
    print()

    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(measurements, handle, indent=2)
            handle.write("\n")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
