"""Scale test (issue 6): ``analyze --no-llm --json`` cold on a generated ~1,000,000-line repository.

The repository (Python, JavaScript, TypeScript, Java, Go, C, Rust in their usual layouts,
with imports between files; see ``_scale_gen.py``) is generated deterministically under
bench/_work/scale (reused when the seed and scale match).  One cold CLI run (fresh, empty
``ANALYZER_CACHE``) in a measurement child records wall time and peak RSS of the main
process and, separately, of the largest parse worker (goal: < 1 GB).  A second cold run
through the library gives per-stage timings (``--no-stages`` skips it).

    .venv/bin/python bench/scale_bench.py [--seed 1234] [--scale 1.0] [--jobs 0] [--no-stages]

Writes bench/results/scale.json and bench/results/scale.md, prints the Markdown.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _common as c
import _scale_gen

GOAL_RSS_MB = 1024


def ensure_repo(seed: int, scale: float) -> tuple[Path, dict[str, int], float]:
    """The generated repository (regenerated when missing or made with other parameters)."""
    root = c.WORK / "scale"
    stamp = c.WORK / "scale.json"
    generator = hashlib.sha256(Path(_scale_gen.__file__).read_bytes()).hexdigest()[:16]
    want = {"seed": seed, "scale": scale, "generator": generator}
    if root.is_dir() and stamp.is_file():
        meta = json.loads(stamp.read_text())
        if meta.get("params") == want:
            return root, meta["lines"], meta["seconds"]
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    lines = _scale_gen.generate(root, seed=seed, scale=scale)
    secs = round(time.perf_counter() - t0, 2)
    stamp.write_text(json.dumps({"params": want, "lines": lines, "seconds": secs}))
    return root, lines, secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = about 1,000,000 lines")
    ap.add_argument("--jobs", type=int, default=0, help="analyzer --jobs (0 = all cores)")
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage library run")
    ns = ap.parse_args()
    root, gen_lines, gen_secs = ensure_repo(ns.seed, ns.scale)
    print(f"repository: {root} ({sum(gen_lines.values()):,} lines; generated in {gen_secs}s)", flush=True)
    machine = c.machine()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        out = Path(tmp) / "scale.json"
        env = {"ANALYZER_CACHE": str(Path(tmp) / "cache")}
        run = c.measure(["cli", str(root), "--json", str(out), "--no-llm", "--jobs", str(ns.jobs)], env)
        print(f"cold run: {run['wall_s']:.1f}s", flush=True)
        data = json.loads(out.read_text())
        stages: dict[str, float] = {}
        if not ns.no_stages:
            env = {"ANALYZER_CACHE": str(Path(tmp) / "cache-stages")}
            stages = c.measure(["stages", str(root), str(ns.jobs), str(Path(tmp) / "stages.json")], env)["stages_s"]
    langs: Counter[str] = Counter()
    loc: Counter[str] = Counter()
    for f in data["files"]:
        langs[f["language"]] += 1
        loc[f["language"]] += f["loc"]
    peak = max(run["self_maxrss_mb"], run["children_maxrss_mb"])
    res: dict[str, Any] = {
        "machine": machine,
        "seed": ns.seed,
        "scale": ns.scale,
        "jobs": ns.jobs,
        "generated_physical_lines": dict(gen_lines),
        "generated_physical_lines_total": sum(gen_lines.values()),
        "files": len(data["files"]),
        "files_by_language": dict(sorted(langs.items())),
        "loc": sum(loc.values()),
        "loc_by_language": dict(sorted(loc.items())),
        "bytes": sum(f["size"] for f in data["files"]),
        "edges": len(data["edges"]),
        "edges_by_kind": dict(sorted(Counter(e["kind"] for e in data["edges"]).items())),
        "cycles": len(data["cycles"]),
        "unresolved": len(data["unresolved"]),
        "diagnostics": len(data["diagnostics"]),
        "wall_s": run["wall_s"],
        "inner_wall_s": run["inner_wall_s"],
        "main_maxrss_mb": run["self_maxrss_mb"],
        "worker_maxrss_mb": run["children_maxrss_mb"],
        "peak_single_process_mb": peak,
        "goal_rss_mb": GOAL_RSS_MB,
        "meets_rss_goal": peak < GOAL_RSS_MB,
        "stages_s": stages,
    }
    rows = [
        [lang, res["files_by_language"][lang], f"{res['loc_by_language'][lang]:,}"] for lang in res["files_by_language"]
    ]
    kinds = ", ".join(f"{k} {v:,}" for k, v in res["edges_by_kind"].items())
    md = [
        f"### Scale test: generated repository, {res['generated_physical_lines_total']:,} physical lines "
        f"(seed {ns.seed})",
        "",
        c.md_table(
            [
                "files",
                "LOC (non-blank)",
                "MB",
                "edges",
                "cycles",
                "unresolved",
                "cold wall s",
                "main RSS MB",
                "worker RSS MB",
            ],
            [
                [
                    f"{res['files']:,}",
                    f"{res['loc']:,}",
                    f"{res['bytes'] / 1e6:.1f}",
                    f"{res['edges']:,} ({kinds})",
                    res["cycles"],
                    res["unresolved"],
                    f"{res['wall_s']:.1f}",
                    f"{res['main_maxrss_mb']:.0f}",
                    f"{res['worker_maxrss_mb']:.0f}",
                ]
            ],
        ),
        "",
        f"Peak RSS of the largest single process: {peak:.0f} MB (goal < {GOAL_RSS_MB} MB: "
        f"{'met' if res['meets_rss_goal'] else 'missed'}). The main process and the parse workers are "
        "separate processes; worker RSS is the largest peak among them (RUSAGE_CHILDREN), and pages a "
        "forked worker shares with the main process count in both.",
        "",
        c.md_table(["language", "files", "LOC"], rows),
        "",
    ]
    if stages:
        md += [
            "Stages of a second cold run through the library (seconds): "
            + ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
            + ".",
            "",
        ]
    md += [c.machine_line(machine), ""]
    text = "\n".join(md)
    c.write_json("scale.json", res)
    c.write_text("scale.md", text)
    print(text)


if __name__ == "__main__":
    main()
