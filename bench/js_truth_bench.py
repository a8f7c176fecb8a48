"""JavaScript edges against the TypeScript checker run over JavaScript: precision and recall of file pairs.

The analyzer links JavaScript by name through what a file imports (an imported binding, a
``require()`` result, a namespace import's members: ``resolve.py`` ``_link_file``); it has no typed
pass for JavaScript.  The truth is ``bench/ts/refs.js`` run with ``REFS_JS=1``: one TypeScript program
of every JavaScript file under the root (``allowJs``; ``checkJs`` is not needed, the checker binds JS
symbols, ES imports, ``require()`` calls, ``module.exports`` and classes), the symbol at each
identifier resolved (an import alias to what it stands for) to the files declaring it, each module
specifier (``import``, ``export ... from``, ``import()``, ``require("x")``) to its file.  Kinds as in
``ts_truth_bench.py``: ``import``, ``inherit`` (``extends``), ``type`` (JSDoc types the checker reads),
``call`` (every other use: a call, a ``new``, a member, a value).  Only files of the program count; a
file's uses of itself do not.  What the checker cannot see (a property of an untyped parameter, a
value built at run time) is missing from the truth too, so recall is over what a checker binds.

Both sides keep pairs between JavaScript files (``.js .jsx .mjs .cjs``).  Projects (npm, fetched by
``real_code_bench.fetch``): eslint 9.15.0 (CommonJS, its package root), express 5.3.0 and webpack 5.96.1
(CommonJS, webpack's ``lib/``), three 0.170.0 (ES modules, its ``src/``), chalk 5.3.0 (ES modules).
The checker types values from JSDoc (``@param {import("./Compiler")} compiler``), so ``compiler.run()``
reaches Compiler's file there (a truth pair the analyzer, which links by import and name, misses:
"recall (inferred)"); the JSDoc comments themselves are not walked, so ``type`` stays empty.

    .venv/bin/python bench/js_truth_bench.py [--only eslint] [--repo DIR] [--label after]

Writes ``bench/results/js_truth.json`` (one entry per label) and ``js_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import _common as c
import real_code_bench
import ts_truth_bench as tsb

#: project -> (real_code_bench project or ``c.NPM_PACKAGES`` name, folder inside its package root)
PROJECTS = {
    "eslint": ("eslint", ""),
    "express": ("express", ""),
    "webpack": ("webpack", "lib"),
    "three": ("three", "src"),
    "chalk": ("chalk", ""),
}
SUFFIXES = (".js", ".jsx", ".mjs", ".cjs")


def project_root(name: str) -> Path:
    source, inner = PROJECTS[name]
    if source in c.NPM_PACKAGES:
        base = c.fetch_npm(source, c.NPM_PACKAGES[source])
    else:
        base = real_code_bench.fetch(source)
    return base / inner if inner else base


def checker_pairs(root: Path) -> c.Triples:
    args = ["node", "--max-old-space-size=6144", str(tsb.REFS), str(root), str(tsb.typescript_dir())]
    env = dict(os.environ, REFS_JS="1")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=3600, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"refs.js failed:\n{proc.stderr[-3000:]}")
    rows = (tuple(line.split("\t")) for line in proc.stdout.splitlines() if line.count("\t") == 2)
    return {r for r in rows if r[0].endswith(SUFFIXES) and r[1].endswith(SUFFIXES)}  # type: ignore[misc]


def analyzer_pairs(root: Path, repo: Path) -> c.Triples:
    edges, _ = c.analyzer_edges(root, repo)
    return {(s, t, k) for s, t, k in edges if s.endswith(SUFFIXES) and t.endswith(SUFFIXES)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    ap.add_argument("--dump", type=Path, help="write each project's false positives here (one file each)")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("js_truth.json", args.label, args.repo)
    for name in names:
        root = project_root(name)
        t0 = time.perf_counter()
        truth = checker_pairs(root)
        t1 = time.perf_counter()
        ours = analyzer_pairs(root, args.repo.resolve())
        projects[name] = tsb.compare(truth, ours) | {"checker_s": round(t1 - t0, 1)}
        print(name, json.dumps(projects[name]), flush=True)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            t_all = {(s, t) for s, t, _ in truth}
            lines = [f"{s}\t{t}\t{k}" for s, t, k in sorted(ours) if (s, t) not in t_all]
            (args.dump / f"{name}.fp.tsv").write_text("\n".join(lines) + "\n")
            o_all = {(s, t) for s, t, _ in ours}
            lines = [f"{s}\t{t}\t{k}" for s, t, k in sorted(truth) if (s, t) not in o_all]
            (args.dump / f"{name}.fn.tsv").write_text("\n".join(lines) + "\n")
    results["machine"] = c.machine_line(c.machine())
    c.write_json("js_truth.json", results)
    c.write_text("js_truth.md", render(results))


def render(results: dict[str, Any]) -> str:
    text = tsb.render(results)
    head = "# JavaScript edges against the TypeScript checker (allowJs)"
    text = text.replace("# TypeScript edges against the TypeScript compiler", head, 1)
    return text.replace("`bench/ts_truth_bench.py`", "`bench/js_truth_bench.py` (`bench/ts/refs.js`, REFS_JS=1)", 1)


if __name__ == "__main__":
    main()
