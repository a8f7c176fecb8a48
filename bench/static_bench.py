"""Static pass benchmark (issue 3): cold and warm ``analyze --no-llm --json`` on real projects.

For Django, Flask, Requests (sdist roots) and Express (``package/``), each repetition runs
the CLI cold (a fresh, empty ``ANALYZER_CACHE``) and then warm (the same cache), each in
its own measurement child (see ``_measure.py``).  On Django it also runs a raw tree-sitter
parse loop over exactly the files discovery selected, with the same number of processes,
and reports ``raw parse wall / cold wall`` (goal >= 0.5) and ``warm wall / cold wall``
(goal <= 0.10).  Medians of ``--reps`` repetitions (default 3).

    .venv/bin/python bench/static_bench.py [--reps 3] [--jobs 0] [--only django,flask]

Writes bench/results/static.json and bench/results/static.md, prints the Markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import _common as c

PROJECTS = ("django", "flask", "requests", "express")
RAW_PARSE_ON = ("django",)
GOAL_PARSE_RATIO = 0.5
GOAL_WARM_RATIO = 0.10


def summarize(out_json: Path) -> dict[str, Any]:
    """Files, LOC, bytes, edges by kind, cycles from an ``analyze --json`` output."""
    data = json.loads(out_json.read_text())
    kinds = Counter(e["kind"] for e in data["edges"])
    langs = Counter(f["language"] for f in data["files"])
    return {
        "files": len(data["files"]),
        "loc": sum(f["loc"] for f in data["files"]),
        "bytes": sum(f["size"] for f in data["files"]),
        "languages": dict(sorted(langs.items())),
        "edges": len(data["edges"]),
        "edges_by_kind": dict(sorted(kinds.items())),
        "cycles": len(data["cycles"]),
        "largest_cycle": max((len(x) for x in data["cycles"]), default=0),
        "unresolved": len(data["unresolved"]),
        "diagnostics": len(data["diagnostics"]),
    }


def run_project(name: str, root: Path, reps: int, jobs: int, tmp: Path) -> dict[str, Any]:
    cold: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    identical = True
    for rep in range(reps):
        cache = tmp / f"{name}-cache-{rep}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {"ANALYZER_CACHE": str(cache)}
        cold_json, warm_json = tmp / f"{name}-cold.json", tmp / f"{name}-warm.json"
        args = ["cli", str(root), "--json", str(cold_json), "--no-llm", "--jobs", str(jobs)]
        cold.append(c.measure(args, env))
        warm.append(c.measure(["cli", str(root), "--json", str(warm_json), "--no-llm", "--jobs", str(jobs)],
                              env))
        if name in RAW_PARSE_ON:
            raw.append(c.measure(["parse", str(root), str(jobs)]))
        if rep == 0:
            summary = summarize(cold_json)
        identical = identical and cold_json.read_bytes() == warm_json.read_bytes()
        print(f"  {name} rep {rep + 1}: cold {cold[-1]['wall_s']:.2f}s, warm {warm[-1]['wall_s']:.2f}s"
              + (f", raw parse {raw[-1]['inner_wall_s']:.2f}s" if raw else ""), flush=True)
        shutil.rmtree(cache, ignore_errors=True)
    res: dict[str, Any] = {
        "root": str(root.relative_to(c.REPO)) if root.is_relative_to(c.REPO) else str(root),
        **summary,
        "cold_wall_s": c.median([m["wall_s"] for m in cold]),
        "cold_inner_wall_s": c.median([m["inner_wall_s"] for m in cold]),
        "warm_wall_s": c.median([m["wall_s"] for m in warm]),
        "warm_inner_wall_s": c.median([m["inner_wall_s"] for m in warm]),
        "cold_main_maxrss_mb": c.median([m["self_maxrss_mb"] for m in cold]),
        "cold_worker_maxrss_mb": c.median([m["children_maxrss_mb"] for m in cold]),
        "warm_main_maxrss_mb": c.median([m["self_maxrss_mb"] for m in warm]),
        "warm_worker_maxrss_mb": c.median([m["children_maxrss_mb"] for m in warm]),
        "warm_output_identical": identical,
        "runs": {"cold": cold, "warm": warm},
    }
    if name in RAW_PARSE_ON:  # one extra cold + warm pair through the library, timed per stage
        cache = tmp / f"{name}-stages-cache"
        env = {"ANALYZER_CACHE": str(cache)}
        stage_args = ["stages", str(root), str(jobs), str(tmp / f"{name}-stages.json")]
        res["stages_cold_s"] = c.measure(stage_args, env)["stages_s"]
        res["stages_warm_s"] = c.measure(stage_args, env)["stages_s"]
        shutil.rmtree(cache, ignore_errors=True)
    res["warm_cold_ratio"] = round(res["warm_wall_s"] / res["cold_wall_s"], 3)
    if raw:
        raw_wall = c.median([m["inner_wall_s"] for m in raw])
        res["raw_parse"] = {
            "files": raw[0]["files"], "bytes": raw[0]["bytes"], "jobs": raw[0]["jobs"],
            "wall_s": raw_wall, "mb_per_s": round(raw[0]["bytes"] / raw_wall / 1e6, 2),
            "maxrss_main_mb": c.median([m["self_maxrss_mb"] for m in raw]),
            "maxrss_worker_mb": c.median([m["children_maxrss_mb"] for m in raw]),
        }
        res["runs"]["raw_parse"] = raw
        # ratio of throughputs: (bytes / cold wall) / (bytes / raw parse wall)
        res["parse_ratio"] = round(raw_wall / res["cold_wall_s"], 3)
        res["parse_ratio_in_process"] = round(raw_wall / res["cold_inner_wall_s"], 3)
        res["static_mb_per_s"] = round(res["bytes"] / res["cold_wall_s"] / 1e6, 2)
        if raw[0]["files"] != res["files"]:
            res["raw_parse"]["note"] = "file count differs from the analyzer's (discovery changed?)"
    return res


def render(results: dict[str, Any], machine: dict[str, Any], jobs: int, reps: int) -> str:
    rows = []
    for name, r in results.items():
        kinds = ", ".join(f"{k} {v}" for k, v in r["edges_by_kind"].items())
        rows.append([name, r["files"], f"{r['loc']:,}", f"{r['edges']:,} ({kinds})", r["cycles"],
                     f"{r['cold_wall_s']:.2f}", f"{r['warm_wall_s']:.2f}", f"{r['warm_cold_ratio']:.2f}",
                     f"{max(r['cold_main_maxrss_mb'], r['cold_worker_maxrss_mb']):.0f}"
                     f" / {r['cold_worker_maxrss_mb']:.0f}"])
    table = c.md_table(["project", "files", "LOC", "edges (by kind)", "cycles", "cold s", "warm s",
                        "warm/cold", "peak RSS MB (max / worker)"], rows)
    lines = [f"### Static pass (`analyze --no-llm --json`), median of {reps} runs, "
             f"--jobs {jobs or 'all cores'}", "", table, ""]
    for name, r in results.items():
        if "raw_parse" not in r:
            continue
        rp = r["raw_parse"]
        ok_p = "meets" if r["parse_ratio"] >= GOAL_PARSE_RATIO else "misses"
        ok_w = "meets" if r["warm_cold_ratio"] <= GOAL_WARM_RATIO else "misses"
        lines += [
            f"{name}: raw tree-sitter parse of the same {rp['files']} files ({rp['bytes'] / 1e6:.1f} MB) "
            f"with {rp['jobs']} processes: {rp['wall_s']:.2f}s ({rp['mb_per_s']} MB/s); cold static pass "
            f"{r['cold_wall_s']:.2f}s ({r['static_mb_per_s']} MB/s). "
            f"Throughput ratio static/raw = **{r['parse_ratio']:.2f}** (goal >= {GOAL_PARSE_RATIO}, {ok_p}; "
            f"{r['parse_ratio_in_process']:.2f} without interpreter start-up). "
            f"Warm/cold = **{r['warm_cold_ratio']:.2f}** (goal <= {GOAL_WARM_RATIO}, {ok_w}).", ""]
        if "stages_cold_s" in r:
            stage_rows = [[k, f"{v:.2f}", f"{r['stages_warm_s'].get(k, 0):.2f}"]
                          for k, v in r["stages_cold_s"].items()]
            lines += [f"{name}, one library run timed by stage (seconds):", "",
                      c.md_table(["stage", "cold", "warm"], stage_rows), ""]
    lines += [
        "Wall times are the whole `analyze` process (interpreter start-up included). Peak RSS: "
        "`ru_maxrss` of the analyzer's main process and the largest of its pool workers "
        "(RUSAGE_CHILDREN, a maximum over processes, not a sum).", "",
        c.machine_line(machine), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="analyzer --jobs (0 = all cores)")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(PROJECTS))
    ns = ap.parse_args()
    names = [n for n in PROJECTS if not ns.only or n in ns.only.split(",")]
    roots = c.fetch_all()
    machine = c.machine()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="static-bench-") as tmp:
        for name in names:
            print(f"{name}: {roots[name]}", flush=True)
            results[name] = run_project(name, roots[name], ns.reps, ns.jobs, Path(tmp))
    md = render(results, machine, ns.jobs, ns.reps)
    c.write_json("static.json", {"machine": machine, "reps": ns.reps, "jobs": ns.jobs,
                                 "goals": {"parse_ratio_min": GOAL_PARSE_RATIO,
                                           "warm_cold_ratio_max": GOAL_WARM_RATIO},
                                 "projects": results})
    c.write_text("static.md", md)
    print(md)


if __name__ == "__main__":
    main()
