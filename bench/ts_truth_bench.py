"""TypeScript edges against the TypeScript compiler: precision and recall of the analyzer's file pairs.

The compiler is the truth: ``bench/ts/refs.js`` (run with Node, against npm ``typescript`` installed
under ``bench/_work/tsc``) builds one program of every TypeScript file under a project's root, asks the
checker for the symbol at each identifier (an import alias: the symbol it stands for) and lists the
files declaring it, and resolves each module specifier to its file.  Only files of the program count
(no library, no ``lib.d.ts``); a file's uses of itself do not.  Its kinds: ``import`` (a module
specifier), ``inherit`` (extends / implements), ``type`` (a name in a type position), ``call`` (any
other use: a call, a ``new``, a member, a value).

The analyzer runs with ``-m analyzer ROOT --no-llm --no-cache --json`` from ``--repo`` (default: this
checkout; ``--repo /path/to/main --label before`` measures another checkout with the same script).
Both sides keep pairs between TypeScript files (``.ts .tsx .mts .cts``).  All kinds together compare
the (source, target) pairs; recall is split into pairs a name written in the file resolves to (the
compiler saw an import, inherit or type reference) and pairs reached only through values and members
(``a.getB().run()`` reaches B's file).

    .venv/bin/python bench/ts_truth_bench.py [--only zod] [--repo DIR] [--label after]

Projects: zod 3.25.76 and rxjs 7.8.1 (their ``src/``, from npm) and the Ghostfolio application
(GitHub ghostfolio/ghostfolio at commit c542997d2, an Angular + NestJS monorepo, extracted by hand
into ``bench/_work/real/ghostfolio``; the bench does not download it).  Projects not tuned on (issue
#15's generalization check), also extracted by hand from GitHub (``git archive`` of the commit) into
``bench/_work/real/NAME``: nestjs-realworld (lujakob/nestjs-realworld-example-app at c1c2cc4e4, a
NestJS application: decorators, DI constructor parameter properties, TypeORM entities; its ``src/``),
bulletproof-react (alan2207/bulletproof-react at 9506629ed, its ``apps/react-vite``: React/TSX with the
``@/*`` path alias) and typebox (sinclairzx81/typebox at 8f8d861ba: a library whose tsconfig maps
``typebox/*`` to its barrel files, with its tests and examples).

Writes ``bench/results/ts_truth.json`` (one entry per label) and ``ts_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

REFS = c.BENCH / "ts" / "refs.js"
TSC = c.WORK / "tsc"
TYPESCRIPT = "5.6"
#: project -> (npm "name@version" or a folder under bench/_work/real, root inside it, tsconfig inside the root)
PROJECTS = {
    "zod": ("zod@3.25.76", "src", ""),
    "rxjs": ("rxjs@7.8.1", "src", ""),
    "ghostfolio": ("ghostfolio", "", "tsconfig.base.json"),
    "nestjs-realworld": ("nestjs-realworld-example-app", "src", "../tsconfig.json"),
    "bulletproof-react": ("bulletproof-react", "apps/react-vite", "tsconfig.json"),
    "typebox": ("typebox", "", "tsconfig.json"),
}
KINDS = c.TRUTH_KINDS
SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
Pairs = c.Triples


def typescript_dir() -> Path:
    """npm ``typescript`` under bench/_work/tsc (installed with npm when missing)."""
    module = TSC / "node_modules" / "typescript"
    if not module.is_dir():
        TSC.mkdir(parents=True, exist_ok=True)
        if not (TSC / "package.json").exists():
            (TSC / "package.json").write_text('{"private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"typescript@{TYPESCRIPT}"], cwd=TSC, check=True)
    return module


def project_root(name: str) -> tuple[Path, str]:
    source, inner, tsconfig = PROJECTS[name]
    if "@" in source:
        package, _, version = source.rpartition("@")
        base = c.fetch_npm(package, version)
    else:
        base = c.WORK / "real" / source
        if not base.is_dir():
            raise SystemExit(f"{name}: extract it into {base} first (see this script's doc)")
    return (base / inner if inner else base), tsconfig


def compiler_pairs(root: Path, tsconfig: str) -> Pairs:
    args = ["node", "--max-old-space-size=6144", str(REFS), str(root), str(typescript_dir())]
    if tsconfig:
        args.append(str(root / tsconfig))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"refs.js failed:\n{proc.stderr[-3000:]}")
    rows = (tuple(line.split("\t")) for line in proc.stdout.splitlines() if line.count("\t") == 2)
    return {r for r in rows if r[0].endswith(SUFFIXES) and r[1].endswith(SUFFIXES)}  # type: ignore[misc]


def analyzer_pairs(root: Path, repo: Path) -> Pairs:
    with tempfile.TemporaryDirectory(prefix="ts-truth-") as tmp:
        out = Path(tmp) / "out.json"
        proc = subprocess.run(
            [sys.executable, "-m", "analyzer", str(root), "--no-llm", "--no-cache", "--no-git", "--json", str(out)],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise SystemExit(f"analyze exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        data = json.loads(out.read_text())
    return {
        (e["source"], e["target"], e["kind"])
        for e in data["edges"]
        if e["source"].endswith(SUFFIXES) and e["target"].endswith(SUFFIXES)
    }


def compare(truth: Pairs, ours: Pairs) -> dict[str, Any]:
    """The compiler's pairs against ours (shared ``_common.compare_pairs``): a pair of any kind but
    ``call`` is one a written name resolves to; a kind's P is the share of its pairs the compiler has
    with any kind, P= with the same kind."""
    named = {(s, t) for s, t, k in truth if k != "call"}
    return c.compare_pairs(truth, ours, named, "compiler", any_kind_precision=True)


def render(results: dict[str, Any]) -> str:
    lines = [
        "# TypeScript edges against the TypeScript compiler",
        "",
        f"Written by `bench/ts_truth_bench.py` (typescript {TYPESCRIPT}). {results.get('machine', '')}",
        "",
        "Per kind: P = the share of the analyzer's pairs of that kind that the compiler finds (any kind),",
        "P= the share it finds with the same kind, R = the share of the compiler's pairs of that kind found.",
        "",
    ]
    for label, projects in sorted(results["labels"].items()):
        lines += [f"## {label} ({c.label_repos(projects)})", ""]
        rows = []
        for name, r in sorted((k, v) for k, v in projects.items() if not k.startswith("_")):
            kinds = r["kinds"]
            rows.append(
                [
                    name,
                    r["compiler_pairs"],
                    r["analyzer_pairs"],
                    r["precision"],
                    r["recall"],
                    r["recall_named"],
                    r["recall_inferred"],
                ]
                + [f"{kinds[k]['precision']} / {kinds[k]['precision_same_kind']} / {kinds[k]['recall']}" for k in KINDS]
            )
        header = ["project", "compiler pairs", "analyzer pairs", "precision", "recall", "recall (named)"]
        header += ["recall (inferred)"] + [f"{k} P / P= / R" for k in KINDS]
        lines += [c.md_table(header, rows), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("ts_truth.json", args.label, args.repo)
    for name in names:
        root, tsconfig = project_root(name)
        t0 = time.perf_counter()
        truth = compiler_pairs(root, tsconfig)
        t1 = time.perf_counter()
        ours = analyzer_pairs(root, args.repo.resolve())
        projects[name] = compare(truth, ours) | {"compiler_s": round(t1 - t0, 1)}
        print(name, json.dumps(projects[name]), flush=True)
    results["machine"] = c.machine_line(c.machine())
    c.write_json("ts_truth.json", results)
    c.write_text("ts_truth.md", render(results))


if __name__ == "__main__":
    main()
