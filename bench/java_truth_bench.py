"""Java edges against javac: precision and recall of the analyzer's file pairs, per edge kind.

javac is the truth: ``bench/java/Refs.java`` (run as ``java Refs.java``, single-file source launch)
compiles a project's main sources with ``-proc:none`` and no classpath (errors for missing library
types are ignored: ``JavacTask.analyze()`` still attributes the rest), and resolves every identifier,
member select, ``new`` and method reference to the top-level class declaring it, then to its source
file.  Only references javac resolves to a file of the project count; a file's references to itself
do not.  Its kinds: ``import`` (in an import), ``inherit`` (extends / implements), ``type`` (names a
class), ``call`` (a method, constructor or field).

The analyzer runs with ``-m analyzer ROOT --no-llm --no-cache --json`` from ``--repo`` (default: this
checkout; ``--repo /path/to/main --label before`` measures another checkout with the same script).
All kinds together compare the (source, target) pairs; recall is split into pairs a name written in
the file resolves to (javac saw an import, inherit or type reference) and pairs reached only through
inferred types (javac saw only member uses: ``a.getB().run()`` reaches B's file).

Projects not tuned on (issue #15's generalization check), extracted by hand from GitHub into
``bench/_work/real/NAME`` (``git archive`` of the commit; the bench does not download them):
jhipster-sample-app (jhipster/jhipster-sample-app at f8da577c9: a Spring Boot web application with
controllers, services, Spring Data JPA repositories and JPA entities; its libraries are missing),
gson (google/gson at 9835b6f90: a plain library), jOOL (jOOQ/jOOL at 31ed3a398: heavy generics,
lambdas and streams) and spring-realworld (gothinkster/spring-boot-realworld-example-app at ee17e31aa:
Spring Boot with Lombok, MyBatis and GraphQL; Lombok not run, so javac attributes no generated member).

An analyzer run past ``--timeout`` seconds (default 1800) is killed and recorded as not finishing.

The analyzer's own time is measured on the same runs: the whole command's wall time, its CPU time
(with its parse workers': steadier than wall time on a shared machine) and its parse and resolve
stages' wall time (as the command prints them; resolve holds the type-aware linking), medians of
``--reps`` runs (default 1).

    .venv/bin/python bench/java_truth_bench.py [--only commons-io] [--repo DIR] [--label after] [--reps 3]
        [--timeout 1800]

Writes ``bench/results/java_truth.json`` (one entry per label) and ``java_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
from real_code_bench import fetch

REFS = c.BENCH / "java" / "Refs.java"
#: project (in real_code_bench.PROJECTS) -> its main source root inside the extracted archive
PROJECTS = {
    "commons-io": "src/main/java",
    "commons-lang3": "src/main/java",
    "guava": "guava/src",
    "jackson-databind": "src/main/java",
    "tomcat": "java",
    "jhipster-sample-app": "src/main/java",
    "gson": "gson/src/main/java",
    "jool": "jOOL/src/main/java",
    "spring-realworld": "src/main/java",
}
#: projects extracted by hand into bench/_work/real/<folder> (not in real_code_bench.PROJECTS)
EXTRACTED = {
    "jhipster-sample-app": "jhipster-sample-app",
    "gson": "gson",
    "jool": "jOOL",
    "spring-realworld": "spring-realworld",
}
KINDS = c.TRUTH_KINDS
Pairs = c.Triples


def project_base(name: str) -> Path:
    """The extracted project: a hand-extracted folder, or real_code_bench's download."""
    if name not in EXTRACTED:
        return fetch(name)
    base = c.WORK / "real" / EXTRACTED[name]
    if not base.is_dir():
        raise SystemExit(f"{name}: extract it into {base} first (see this script's doc)")
    return base


def javac_pairs(root: Path) -> Pairs:
    files = sorted(str(p) for p in root.rglob("*.java"))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(files) + "\n")
    proc = subprocess.run(
        ["java", "-Xmx4g", str(REFS), fh.name, str(root)], capture_output=True, text=True, timeout=3600
    )
    Path(fh.name).unlink()
    if proc.returncode != 0:
        raise SystemExit(f"Refs.java failed:\n{proc.stderr[-3000:]}")
    return {tuple(line.split("\t")) for line in proc.stdout.splitlines() if line.count("\t") == 2}  # type: ignore[misc]


def analyzer_pairs(root: Path, repo: Path, timeout: float | None = None) -> tuple[Pairs, dict[str, float]]:
    """The analyzer's (source, target, kind) triples between Java files, and the run's times."""
    edges, times = c.analyzer_edges(root, repo, timeout)
    return {e for e in edges if e[0].endswith(".java")}, times


def compare(truth: Pairs, ours: Pairs) -> dict[str, Any]:
    """javac's pairs against ours: a pair of any kind but ``call`` is one a written name resolves to."""
    return c.compare_pairs(truth, ours, {(s, t) for s, t, k in truth if k != "call"}, "javac")


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Java edges against javac",
        "",
        f"Written by `bench/java_truth_bench.py`. {results.get('machine', '')}",
        "",
    ]
    for label, projects in sorted(results["labels"].items()):
        lines += [f"## {label} ({c.label_repos(projects)})", ""]
        rows = []
        for name, r in sorted((k, v) for k, v in projects.items() if not k.startswith("_")):
            if "timed_out_s" in r:
                rows.append([name, r["javac_pairs"], f"analyzer did not finish in {r['timed_out_s']:g} s"])
                continue
            kinds = r["kinds"]
            rows.append(
                [
                    name,
                    r["javac_pairs"],
                    r["analyzer_pairs"],
                    r["precision"],
                    r["recall"],
                    r["recall_named"],
                    r["recall_inferred"],
                ]
                + [f"{kinds[k]['precision']} / {kinds[k]['recall']}" for k in KINDS]
            )
        lines += [
            c.md_table(
                [
                    "project",
                    "javac pairs",
                    "analyzer pairs",
                    "precision",
                    "recall",
                    "recall (named)",
                    "recall (inferred)",
                ]
                + [f"{k} P / R" for k in KINDS],
                rows,
            ),
            "",
        ]
        timed = sorted((k, v) for k, v in projects.items() if not k.startswith("_") and "analyze_s" in v)
        if timed:
            lines += [
                "The analyzer's time (seconds, median of the runs; CPU: the command's and its parse workers';"
                " resolve holds the type-aware linking):",
                "",
                c.md_table(
                    ["project", "runs", "analyze (wall)", "analyze (CPU)", "parse", "resolve"],
                    [
                        [n, r["reps"], r["analyze_s"], r.get("analyze_cpu_s"), r.get("parse_s"), r.get("resolve_s")]
                        for n, r in timed
                    ],
                ),
                "",
            ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds one analyzer run may take")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("java_truth.json", args.label, args.repo)
    for name in names:
        root = project_base(name) / PROJECTS[name]
        t0 = time.perf_counter()
        truth = javac_pairs(root)
        t1 = time.perf_counter()
        try:
            runs = [analyzer_pairs(root, args.repo.resolve(), args.timeout) for _ in range(max(1, args.reps))]
        except subprocess.TimeoutExpired:
            projects[name] = {"javac_pairs": len({(s, t) for s, t, _ in truth}), "timed_out_s": args.timeout}
            print(name, json.dumps(projects[name]), flush=True)
            continue
        ours = runs[0][0]
        times = {k: round(statistics.median(r[1].get(k, 0.0) for r in runs), 2) for k in runs[0][1]}
        projects[name] = compare(truth, ours) | {"javac_s": round(t1 - t0, 1), "reps": len(runs)} | times
        print(name, json.dumps(projects[name]), flush=True)
    results["machine"] = c.machine_line(c.machine())
    c.write_json("java_truth.json", results)
    c.write_text("java_truth.md", render(results))


if __name__ == "__main__":
    main()
