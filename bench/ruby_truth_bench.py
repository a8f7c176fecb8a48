"""Ruby edges against the Ruby interpreter: precision and recall of the analyzer's file pairs.

The analyzer links Ruby by constant: a ``require`` / ``require_relative`` / ``autoload`` is an import
edge, a constant (``Foo``, ``A::B``, a superclass, a mixin) links to the files defining that name
among the files the importer loads (or autoloading reaches), and a method name called links to the
loaded files defining a method of that name.  The truth is ``bench/ruby/refs.rb``, run with Debian's
``ruby`` (installed for the bench only, never a project dependency): it loads the library (its
``lib/`` on ``$LOAD_PATH``, the entry files required, autoloads eager-loaded, then every ``lib/``
file required on its own; a file that fails to load, e.g. for a gem that is not installed, is skipped
and counted), then parses each file with Ripper and resolves every constant reference the way Ruby
does (the lexical nesting, the ancestors of the innermost module, Object) to the file
``Module#const_source_location`` names; ``require`` / ``require_relative`` / ``autoload`` with a
literal path go to the file they load (``$LOAD_PATH.resolve_feature_path``).  Kinds: ``import``,
``inherit`` (a superclass, ``include`` / ``extend`` / ``prepend``), ``call`` (every other constant).

What the truth covers: constants and loads.  A method call on a receiver is not resolved (its class
is not known without running the code), so a pair the analyzer links only by a method's name counts
as a false positive unless a constant or a load of the file also links the pair.  A constant reopened
in many files (``module Rack``) names the file that defined it first.  A constant whose defining file
failed to load stays unresolved (recall is over what loaded).

Both sides keep pairs between ``.rb`` files.  Projects (Debian bookworm, fetched by
``real_code_bench.fetch``): rack 2.2.22 (pure Ruby, no gem needed), activesupport 6.1.7.10 (needs
Debian's ruby-i18n, ruby-concurrent, ruby-tzinfo, ruby-zeitwerk to load; its files for other gems
fail and are counted).

    .venv/bin/python bench/ruby_truth_bench.py [--only rack] [--repo DIR] [--label after]

Writes ``bench/results/ruby_truth.json`` (one entry per label) and ``ruby_truth.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import _common as c
import real_code_bench
import ts_truth_bench as tsb

REFS = c.BENCH / "ruby" / "refs.rb"
#: project -> entry files to require (from its lib/)
PROJECTS = {
    "rack": ("rack",),
    "activesupport": ("active_support", "active_support/all"),
}


def ruby_pairs(root: Path, entries: tuple[str, ...]) -> tuple[c.Triples, dict[str, int]]:
    proc = subprocess.run(
        ["ruby", str(REFS), str(root), str(root / "lib"), *entries], capture_output=True, text=True, timeout=3600
    )
    if proc.returncode != 0:
        raise SystemExit(f"refs.rb failed:\n{proc.stderr[-3000:]}")
    rows = (tuple(line.split("\t")) for line in proc.stdout.splitlines() if line.count("\t") == 2)
    truth = {r for r in rows if r[0].endswith(".rb") and r[1].endswith(".rb")}
    stats = {}
    for line in proc.stderr.splitlines():
        key, _, value = line.rpartition(": ")
        if key and value.isdigit():
            stats[key] = int(value)
    return truth, stats  # type: ignore[return-value]


def analyzer_pairs(root: Path, repo: Path) -> c.Triples:
    edges, _ = c.analyzer_edges(root, repo)
    return {(s, t, k) for s, t, k in edges if s.endswith(".rb") and t.endswith(".rb")}


def render(results: dict[str, Any]) -> str:
    text = tsb.render(results).replace("TypeScript edges against the TypeScript compiler", "Ruby edges against Ruby")
    text = text.replace("`bench/ts_truth_bench.py` (typescript 5.6)", "`bench/ruby_truth_bench.py` (`ruby/refs.rb`)")
    return text.replace("compiler", "interpreter")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    ap.add_argument("--dump", type=Path, help="write each project's false positives and misses here")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("ruby_truth.json", args.label, args.repo)
    for name in names:
        root = real_code_bench.fetch(name)
        t0 = time.perf_counter()
        truth, stats = ruby_pairs(root, PROJECTS[name])
        t1 = time.perf_counter()
        ours = analyzer_pairs(root, args.repo.resolve())
        projects[name] = tsb.compare(truth, ours) | {"ruby_s": round(t1 - t0, 1), "ruby": stats}
        print(name, json.dumps(projects[name]), flush=True)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            t_all, o_all = {(s, t) for s, t, _ in truth}, {(s, t) for s, t, _ in ours}
            fp = [f"{s}\t{t}\t{k}" for s, t, k in sorted(ours) if (s, t) not in t_all]
            fn = [f"{s}\t{t}\t{k}" for s, t, k in sorted(truth) if (s, t) not in o_all]
            (args.dump / f"{name}.fp.tsv").write_text("\n".join(fp) + "\n")
            (args.dump / f"{name}.fn.tsv").write_text("\n".join(fn) + "\n")
    results["machine"] = c.machine_line(c.machine())
    c.write_json("ruby_truth.json", results)
    c.write_text("ruby_truth.md", render(results))


if __name__ == "__main__":
    main()
