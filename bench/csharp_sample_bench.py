"""C# symbol edges before and after the type-aware linker, and a sample of call pairs to audit by hand.

No C# compiler runs offline here (no .NET SDK, no NuGet), so there is no compiler truth as for
Java (``java_truth_bench.py``).  Instead this bench runs the analyzer (``-m analyzer ROOT --no-llm
--no-cache --json``) from two checkouts on the C# projects of ``real_code_bench.py``: ``--before``
(default ``/work/main``: the name-based pass) and ``--repo`` (default: this checkout), and reports
the edges per kind of each and the analyzer's wall time (median of ``--reps`` runs).  Then it draws,
with a fixed seed (the pairs of lowest seeded hash, so that a change redraws only the pairs it adds or
removes), ``--kept`` (60) ``call`` file pairs of the new linker's output and ``--dropped``
(40) ``call`` pairs the old pass gave that the new one does not, per project, each with its first
line and symbols, for a reader to check against the source.  The reader's verdicts live in
``bench/csharp/audit.tsv`` (project, kept|dropped, source, target, verdict, note; verdict right /
wrong / unsure: is there a use in ``source`` of something ``target`` declares?) and are merged
into the tables, with the audited precision of the kept pairs and the share of dropped pairs that
were wrong.

    .venv/bin/python bench/csharp_sample_bench.py [--only newtonsoft-json] [--before DIR] [--reps 3]
    .venv/bin/python bench/csharp_sample_bench.py --render   # after editing the audit: the tables again

Writes ``bench/results/csharp_sample.json`` and ``csharp_sample.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import _csharp_il
from real_code_bench import fetch

PROJECTS = ("newtonsoft-json", "dnlib", "nunit")
#: project -> the project file ``mcs`` compiles for the IL truth (see ``_csharp_il``)
COMPILED = {"newtonsoft-json": "Src/Newtonsoft.Json/Newtonsoft.Json.csproj", "dnlib": "src/dnlib.csproj"}
KINDS = ("import", "inherit", "type", "call")
AUDIT = c.BENCH / "csharp" / "audit.tsv"
SEED = 15
#: (source, target) -> (first line, symbols) of a run's call edges
Calls = dict[tuple[str, str], tuple[int, tuple[str, ...]]]


def run(root: Path, repo: Path) -> tuple[dict[str, int], Calls, float]:
    """The analyzer's C# edges per kind, its call edges, and the run's wall seconds."""
    with tempfile.TemporaryDirectory(prefix="csharp-sample-") as tmp:
        out = Path(tmp) / "out.json"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "analyzer", str(root), "--no-llm", "--no-cache", "--json", str(out)],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"analyze exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        edges = [e for e in json.loads(out.read_text())["edges"] if e["source"].endswith(".cs")]
    counts = {k: sum(e["kind"] == k for e in edges) for k in KINDS}
    calls = {(e["source"], e["target"]): (e["line"], tuple(e["symbols"])) for e in edges if e["kind"] == "call"}
    return counts, calls, wall


def measure(root: Path, repo: Path, reps: int) -> dict[str, Any]:
    walls = []
    for _ in range(reps):
        counts, calls, wall = run(root, repo)
        walls.append(wall)
    return {"counts": counts, "calls": calls, "analyze_s": round(statistics.median(walls), 2)}


def sample(before: Calls, after: Calls, n_kept: int, n_dropped: int) -> dict[str, list[dict[str, Any]]]:
    """The reproducible draw: call pairs of the new output, and pairs only the old pass gave."""
    kept = sorted(after)
    dropped = sorted(set(before) - set(after))
    out: dict[str, list[dict[str, Any]]] = {}
    for name, pool, source in (("kept", kept, after), ("dropped", dropped, before)):
        # the pairs of lowest seeded hash: a change to the linker redraws only the pairs it adds or removes
        ranked = sorted(pool, key=lambda p: hashlib.sha256(f"{SEED}:{p[0]}:{p[1]}".encode()).hexdigest())
        drawn = sorted(ranked[: n_kept if name == "kept" else n_dropped])
        out[name] = [
            {
                "source": s,
                "target": t,
                "line": source[(s, t)][0],
                "symbols": list(source[(s, t)][1]),
                "new": name == "kept" and (s, t) not in before,
            }
            for s, t in drawn
        ]
    return out


def il_truth(root: Path, project: str) -> tuple[set[str], set[tuple[str, str]], dict[str, set[str]]] | None:
    """(files compiled that declare no type spread over several files, call pairs of the IL truth
    between them, each file's inlined names), root-relative; None without Mono."""
    if not _csharp_il.available():
        return None
    csproj = root / project
    files, il = _csharp_il.compile_project(csproj)
    base = csproj.parent.relative_to(root).as_posix()
    compiled = {f"{base}/{f}" if base else f for f in files}
    files_of: dict[str, list[str]] = {}
    for path in sorted(compiled):
        for q in _csharp_il.declared_types((root / path).read_bytes()):
            files_of.setdefault(q, []).append(path)
    # a type of several files (partial): the IL cannot tell which one a use is in, or of
    spread = {path for paths in files_of.values() if len(paths) > 1 for path in paths}
    inlined = {path: _csharp_il.inlined_names((root / path).read_bytes()) for path in compiled}
    kept = compiled - spread
    truth = {p for p in _csharp_il.call_pairs(il, files_of) if p[0] in kept and p[1] in kept}
    return kept, truth, inlined


def score(
    calls: Calls, compiled: set[str], truth: set[tuple[str, str]], inlined: dict[str, set[str]]
) -> dict[str, Any]:
    """Precision and recall of a run's call pairs between compiled files against the IL truth; a
    pair the IL lacks whose symbols are all constants or enum members of its target is ``inlined``
    (the IL cannot show it) and left out of the precision."""
    ours = {p for p in calls if p[0] in compiled and p[1] in compiled}
    hit = len(ours & truth)
    unseen = [p for p in ours - truth if calls[p][1] and set(calls[p][1]) <= inlined.get(p[1], set())]
    return {
        "pairs": len(ours),
        "truth": len(truth),
        "hit": hit,
        "inlined": len(unseen),
        "precision": c.ratio(hit, len(ours) - len(unseen)),
        "recall": c.ratio(hit, len(truth)),
    }


def read_audit() -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """(project, set, source, target) -> (verdict, note) from ``bench/csharp/audit.tsv``."""
    if not AUDIT.is_file():
        return {}
    with AUDIT.open(newline="") as fh:
        rows = csv.reader((line for line in fh if line.strip() and not line.startswith("#")), delimiter="\t")
        return {(r[0], r[1], r[2], r[3]): (r[4], r[5] if len(r) > 5 else "") for r in rows if len(r) >= 5}


def audited(rows: list[dict[str, Any]]) -> dict[str, int]:
    verdicts = [r.get("verdict", "") for r in rows]
    return {v: verdicts.count(v) for v in ("right", "wrong", "unsure")}


def render(results: dict[str, Any]) -> str:
    lines = [
        "# C# symbol edges: name-based pass (before) and type-aware linker (after)",
        "",
        "Generated by `bench/csharp_sample_bench.py`; verdicts from `bench/csharp/audit.tsv` (read by hand",
        "against the source: is there a use in the source file of something the target file declares?).",
        "",
        c.machine_line(results["machine"]),
        "",
    ]
    rows = []
    for name, r in results["projects"].items():
        for label in ("before", "after"):
            m = r[label]
            rows.append([name, label, *(m["counts"][k] for k in KINDS), m["analyze_s"]])
    lines += [c.md_table(["project", "run", *KINDS, "analyze s"], rows), ""]
    truth_rows = [
        [name, label, t["pairs"], t["truth"], t["hit"], t["inlined"], t["precision"], t["recall"]]
        for name, r in results["projects"].items()
        for label, t in r.get("il_truth", {}).items()
    ]
    if truth_rows:
        lines += [
            "Call pairs between the files of the compiled library against the IL truth (`_csharp_il`: mcs +",
            "monodis). The compiler inlines constants and enum members: a pair the IL lacks whose symbols are all",
            "such names of its target is counted as `inlined only` and left out of the precision:",
            "",
            c.md_table(
                ["project", "run", "our pairs", "IL pairs", "both", "inlined only", "precision", "recall"], truth_rows
            ),
            "",
        ]
    for name, r in results["projects"].items():
        for which in ("kept", "dropped"):
            drawn = r["sample"][which]
            tally = audited(drawn)
            judged = tally["right"] + tally["wrong"]
            if which == "kept":
                head = f"precision of kept pairs (right / right+wrong): {c.ratio(tally['right'], judged)}"
            else:
                head = f"share of dropped pairs that were wrong: {c.ratio(tally['wrong'], judged)}"
            lines += [f"## {name}: {which} call pairs ({len(drawn)} drawn; {tally}; {head})", ""]
            table = [
                [
                    d["source"],
                    d["line"],
                    ", ".join(d["symbols"]),
                    d["target"],
                    "new" if d["new"] else "",
                    d.get("il", ""),
                    d.get("verdict", ""),
                    d.get("note", ""),
                ]
                for d in drawn
            ]
            lines += [c.md_table(["file", "line", "symbol", "target", "", "in IL", "verdict", "note"], table), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=PROJECTS)
    parser.add_argument("--before", type=Path, default=Path("/work/main"))
    parser.add_argument("--repo", type=Path, default=c.REPO)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--kept", type=int, default=60)
    parser.add_argument("--dropped", type=int, default=40)
    parser.add_argument("--render", action="store_true", help="re-read the audit into the last results, run nothing")
    args = parser.parse_args()
    verdicts = read_audit()
    if args.render:
        results = json.loads((c.RESULTS / "csharp_sample.json").read_text())
        for name, r in results["projects"].items():
            for which, rows in r["sample"].items():
                for d in rows:
                    d["verdict"], d["note"] = verdicts.get((name, which, d["source"], d["target"]), ("", ""))
        c.write_json("csharp_sample.json", results)
        print("wrote", c.write_text("csharp_sample.md", render(results)))
        return
    results: dict[str, Any] = {"machine": c.machine(), "projects": {}}
    for name in args.only or PROJECTS:
        root = fetch(name)
        before = measure(root, args.before, args.reps)
        after = measure(root, args.repo, args.reps)
        drawn = sample(before["calls"], after["calls"], args.kept, args.dropped)
        truth = il_truth(root, COMPILED[name]) if name in COMPILED else None
        scores = {}
        if truth is not None:
            scores = {label: score(run["calls"], *truth) for label, run in (("before", before), ("after", after))}
        for which, rows in drawn.items():
            for d in rows:
                if truth is not None:
                    inside = d["source"] in truth[0] and d["target"] in truth[0]
                    pair = (d["source"], d["target"])
                    const = bool(d["symbols"]) and set(d["symbols"]) <= truth[2].get(d["target"], set())
                    d["il"] = ("yes" if pair in truth[1] else "inlined" if const else "no") if inside else ""
                found = verdicts.get((name, which, d["source"], d["target"]))
                if found:
                    d["verdict"], d["note"] = found
        results["projects"][name] = {
            "before": {k: v for k, v in before.items() if k != "calls"},
            "after": {k: v for k, v in after.items() if k != "calls"},
            "sample": drawn,
            "il_truth": scores,
        }
        print(name, before["counts"], "->", after["counts"], f"{before['analyze_s']}s -> {after['analyze_s']}s")
    c.write_json("csharp_sample.json", results)
    print("wrote", c.write_text("csharp_sample.md", render(results)))


if __name__ == "__main__":
    main()
