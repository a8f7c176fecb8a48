"""Go edges against go/types: precision and recall of the analyzer's file pairs, per edge kind.

go/types is the truth: ``bench/go/refs.go`` (run with ``go run``, GOPATH mode) type-checks every
package directory of a project from source, the project's own imports from source too, the standard
library from its export data; any other package (the project's dependencies, not fetched) is an
empty package, and type errors are ignored so the rest is still attributed.  It lists, for every
identifier that ``info.Uses`` resolves to an object declared in another file of the project, the
pair (file, declaring file) with a kind: ``import`` (``pkg.X`` reaches X's file through the import
spec; a blank import every file of the package), ``inherit`` (an embedded struct field or
interface), ``type`` (a type name), ``call`` (a func, method, field, var or const; a method or field
resolves to the file declaring it, not its type's).  A pair is *inferred* when the use is a
selection on a value (``x.M()``, ``x.f``, from ``info.Selections``: reached through x's type), else
*named* (a name written in the file resolves to it).

Test files (``_test.go``) are left out on both sides unless ``--tests`` (entries ``NAME+tests``):
then each package's tests are checked as ``go test`` builds them (the package with its in-package
test files; the external ``x_test`` package against that) and their uses count too.  ``testdata``,
``vendor`` and hidden directories and the files of another build (``_windows.go`` on Linux) are
always left out: the analyzer's edges count only between files go/types checked.  The analyzer
runs with ``-m analyzer ROOT --no-llm --no-cache --json`` from ``--repo`` (default: this
checkout; ``--repo /work/main --label before`` measures another checkout), over the whole root,
as a user runs it.  All kinds together compare
the (source, target) pairs.  Its time: the whole command's wall and CPU time and its parse and
resolve stages' (resolve holds the type-aware linking), medians of ``--reps`` runs (default 1).

    .venv/bin/python bench/go_truth_bench.py [--only cobra] [--repo DIR] [--label after] [--reps 3] [--tests]

Writes ``bench/results/go_truth.json`` (one entry per label) and ``go_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import _common as c
from real_code_bench import fetch

REFS = c.BENCH / "go" / "refs.go"
#: project (in real_code_bench.PROJECTS) -> its import path (the Debian package's GOPATH layout)
PROJECTS = {
    "cobra": "github.com/spf13/cobra",
    "client_golang": "github.com/prometheus/client_golang",
    "hcl": "github.com/hashicorp/hcl/v2",
    "x-tools": "golang.org/x/tools",
}


def go_types_pairs(root: Path, import_path: str, tests: bool) -> tuple[c.Triples, set[tuple[str, str]], set[str]]:
    """go/types' (source, target, kind) triples, its named pairs, and the files it checked."""
    env = dict(os.environ, GO111MODULE="off", GOFLAGS="")
    command = ["go", "run", str(REFS), *(["-tests"] if tests else []), str(root), import_path]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"refs.go failed:\n{proc.stderr[-3000:]}")
    triples: c.Triples = set()
    named: set[tuple[str, str]] = set()
    files: set[str] = set()
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] == "file" and len(parts) == 2:
            files.add(parts[1])
        elif len(parts) == 4:
            source, target, kind, how = parts
            triples.add((source, target, kind))
            if how == "n":
                named.add((source, target))
    return triples, named, files


def render(results: dict[str, Any]) -> str:
    machine = results.get("machine", "")
    lines = ["# Go edges against go/types", "", f"Written by `bench/go_truth_bench.py`. {machine}", ""]
    for label, projects in sorted(results["labels"].items(), key=lambda kv: kv[0] != "before"):
        lines += [f"## {label} ({c.label_repos(projects)})", ""]
        rows = []
        for name, r in sorted((k, v) for k, v in projects.items() if not k.startswith("_")):
            kinds = r["kinds"]
            rows.append(
                [
                    name,
                    r["files"],
                    r["go_types_pairs"],
                    r["analyzer_pairs"],
                    r["precision"],
                    r["recall"],
                    r["recall_named"],
                    r["recall_inferred"],
                ]
                + [f"{kinds[k]['precision']} / {kinds[k]['recall']}" for k in c.TRUTH_KINDS]
            )
        headers = ["project", "files", "go/types pairs", "analyzer pairs", "precision", "recall"]
        headers += ["recall (named)", "recall (inferred)"] + [f"{k} P / R" for k in c.TRUTH_KINDS]
        lines += [c.md_table(headers, rows), ""]
        timed = sorted((k, v) for k, v in projects.items() if not k.startswith("_"))
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
    ap.add_argument("--tests", action="store_true", help="include the _test.go files (entries NAME+tests)")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("go_truth.json", args.label, args.repo)
    for name in names:
        root = fetch(name)
        t0 = time.perf_counter()
        truth, named, files = go_types_pairs(root, PROJECTS[name], args.tests)
        t1 = time.perf_counter()
        runs = [c.analyzer_edges(root, args.repo.resolve()) for _ in range(max(1, args.reps))]
        ours = {e for e in runs[0][0] if e[0] in files and e[1] in files}
        times = {k: round(statistics.median(r[1].get(k, 0.0) for r in runs), 2) for k in runs[0][1]}
        extra = {"files": len(files), "go_types_s": round(t1 - t0, 1), "reps": len(runs)}
        entry = f"{name}+tests" if args.tests else name
        projects[entry] = c.compare_pairs(truth, ours, named, "go_types") | extra | times
        print(entry, json.dumps(projects[entry]), flush=True)
    results["machine"] = c.machine_line(c.machine())
    c.write_json("go_truth.json", results)
    c.write_text("go_truth.md", render(results))


if __name__ == "__main__":
    main()
