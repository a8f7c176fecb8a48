"""Python edges against jedi: precision and recall of the analyzer's file pairs, per edge kind.

jedi is the truth: ``bench/_jedi_refs.py`` runs in its own virtualenv (``bench/_work/venv-jedi``, jedi
0.20.0, created on first use; none of the analyzed projects nor their dependencies installed there, so
only the repository's own files resolve) and sends every name each file uses through
``Script.goto(follow_imports=True)``: the definition past every re-export, kept when it is a file of the
analyzed root other than the file itself.  Its kinds (how the name is used): ``import`` (an import
statement: ``from m import f`` -> m's file, or f's when f is a submodule), ``inherit`` (a base class),
``call`` (a callee or decorator), ``type`` (an annotation), ``name`` (any other use: reads, receivers,
arguments).  Each pair is *direct* when some name behind it is written bare or as an attribute of a
module (``f()``, ``mod.f()``: what the file's imports name), *inferred* when jedi reached it only
through an inferred receiver type (``self.app.run()``).

The analyzer runs ``-m analyzer ROOT --no-llm --no-git --no-cache --json`` from ``--repo`` (default: this
checkout).  Its ``call`` and ``type`` edges together (a ``--repo`` from before Python had type edges
folded annotation uses into ``call``) are compared with jedi's call and type references together,
under ``call``.  All kinds together compare the
(source, target) pairs, jedi's ``name`` uses included.  The truth of each project is cached under
``bench/_work/python_truth/`` (keyed by the helper and the sys.path): Django's took 32 minutes with ``--jobs 3``.

    .venv/bin/python bench/python_truth_bench.py [--only flask] [--repo DIR] [--label after]

Writes ``bench/results/python_truth.json`` (one entry per label) and ``python_truth.md``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import _common as c

VENV = c.WORK / "venv-jedi"
JEDI_VERSION = "0.20.0"
HELPER = c.BENCH / "_jedi_refs.py"
CACHE = c.WORK / "python_truth"
#: project -> (analyzed folder inside the sdist, folders added to jedi's sys.path)
#: (Flask: its examples as installed, as their tests expect; tests/test_apps as its conftest.py prepends it)
PROJECTS = {
    "flask": ("", ["src", "tests/test_apps", "examples/tutorial", "examples/javascript", "examples/celery/src"]),
    "requests": ("", ["src"]),
    "django": ("django", []),
}
KINDS = ("import", "inherit", "call")
#: jedi's kinds each analyzer kind is compared with (Python's call edges fold type uses in)
TRUTH_KINDS = {"import": {"import"}, "inherit": {"inherit"}, "call": {"call", "type"}}
SAMPLES = 12
Truth = dict[str, Any]


def jedi_python() -> Path:
    """The venv's interpreter, with jedi installed (created on first use)."""
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
    ok = subprocess.run(
        [str(py), "-c", f"import importlib.metadata as m; assert m.version('jedi') == '{JEDI_VERSION}'"],
        capture_output=True,
    )
    if ok.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"jedi=={JEDI_VERSION}"], check=True)
    return py


def jedi_truth(name: str, sdist: Path, root: Path, sys_dirs: list[str], jobs: int) -> Truth:
    """The helper's output for one project, from the cache when the helper has not changed.

    The files are dealt round-robin to ``jobs`` helper processes (each with its own jedi state), whose
    outputs are merged: the answer does not depend on ``jobs``.
    """
    digest = hashlib.sha256(HELPER.read_bytes() + "\n".join(sys_dirs).encode()).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"{name}-{digest}.json"
    if out.is_file():
        return json.loads(out.read_text())
    rels = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    py = jedi_python()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jedi-truth-") as tmp:
        procs, parts = [], []
        for i in range(max(1, min(jobs, len(rels)))):
            listing, part = Path(tmp) / f"files-{i}.txt", Path(tmp) / f"part-{i}.json"
            listing.write_text("\n".join(rels[i::jobs]) + "\n")
            cmd = [str(py), str(HELPER), str(root), str(sdist), str(part), *(str(sdist / d) for d in sys_dirs)]
            procs.append(subprocess.Popen([*cmd, "--files", str(listing)], stdout=subprocess.DEVNULL))
            parts.append(part)
        if any(p.wait() != 0 for p in procs):
            raise SystemExit(f"bench/_jedi_refs.py failed on {name}")
        merged = _merge([json.loads(p.read_text()) for p in parts])
    merged["seconds"] = round(time.perf_counter() - t0, 1)
    merged["jobs"] = jobs
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_text(json.dumps(merged, indent=0) + "\n")
    tmp_out.replace(out)
    return merged


def _merge(parts: list[Truth]) -> Truth:
    """One output from the helpers' outputs over disjoint files."""
    pairs: dict[tuple[str, str, str, int], list[Any]] = {}
    names: dict[tuple[str, str, str], list[Any]] = {}
    for part in parts:
        for s, t, k, d, count, line, name in part["pairs"]:
            pairs[(s, t, k, d)] = [count, line, name]  # each source file is in one part only
        for s, k, n, count, targets in part["names"]:
            names[(s, k, n)] = [count, targets]
    return {
        "jedi": parts[0]["jedi"],
        "files": sum(p["files"] for p in parts),
        "references": sum(p["references"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "pairs": [[*k, *v] for k, v in sorted(pairs.items())],
        "names": [[*k, *v] for k, v in sorted(names.items())],
    }


def analyzer_run(root: Path, repo: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="python-truth-") as tmp:
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, "-m", "analyzer", str(root), "--no-llm", "--no-git", "--no-cache", "--json", str(out)]
        proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"analyze exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        return json.loads(out.read_text())


def compare(truth: Truth, ours: dict[str, Any], root: Path) -> dict[str, Any]:
    t_kind: dict[str, set[tuple[str, str]]] = defaultdict(set)
    direct: set[tuple[str, str]] = set()
    for s, t, k, d, *_ in truth["pairs"]:
        t_kind[k].add((s, t))
        if d:
            direct.add((s, t))
    t_all = set().union(*t_kind.values())
    o_kind: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in ours["edges"]:
        if e["source"].endswith((".py", ".pyi")):
            o_kind[_our_kind(e)].add((e["source"], e["target"]))
    o_all = set().union(*o_kind.values())
    inferred = t_all - direct
    out: dict[str, Any] = {
        "files": truth["files"],
        "references": truth["references"],
        "jedi_errors": truth["errors"],
        "jedi_pairs": len(t_all),
        "analyzer_pairs": len(o_all),
        "precision": c.ratio(len(o_all & t_all), len(o_all)),
        "recall": c.ratio(len(o_all & t_all), len(t_all)),
        "recall_direct": c.ratio(len(o_all & direct), len(direct)),
        "recall_inferred": c.ratio(len(o_all & inferred), len(inferred)),
        "direct_pairs": len(direct),
        "inferred_pairs": len(inferred),
        "jedi_kind_pairs": {k: len(v) for k, v in sorted(t_kind.items())},
        "kinds": {},
    }
    for kind in KINDS:
        t_k = set().union(*(t_kind[k] for k in TRUTH_KINDS[kind]))
        o_k = o_kind[kind]
        out["kinds"][kind] = {
            "jedi": len(t_k),
            "analyzer": len(o_k),
            "precision": c.ratio(len(o_k & t_k), len(o_k)),
            "recall": c.ratio(len(o_k & t_k), len(t_k)),
            "recall_direct": c.ratio(len(o_k & t_k & direct), len(t_k & direct)),
            "precision_any_kind": c.ratio(len(o_k & t_all), len(o_k)),
        }
    symbolic = {p for k in ("call", "type", "inherit") for p in t_kind[k]}
    o_sym = o_kind["call"] | o_kind["inherit"]
    out["symbol_edges"] = {
        "jedi": len(symbolic),
        "analyzer": len(o_sym),
        "precision": c.ratio(len(o_sym & symbolic), len(o_sym)),
        "recall": c.ratio(len(o_sym & symbolic), len(symbolic)),
        "recall_direct": c.ratio(len(o_sym & symbolic & direct), len(symbolic & direct)),
    }
    out["misses"] = categorize(truth, ours, root, t_kind, direct, o_kind)
    return out


def _our_kind(edge: dict[str, Any]) -> str:
    """The kind an edge of ours is compared as: type uses count with calls (jedi's call + type)."""
    return "call" if edge["kind"] == "type" else edge["kind"]


def categorize(
    truth: Truth,
    ours: dict[str, Any],
    root: Path,
    t_kind: dict[str, set[tuple[str, str]]],
    direct: set[tuple[str, str]],
    o_kind: dict[str, set[tuple[str, str]]],
) -> dict[str, Any]:
    """Each pair of ours jedi does not confirm (of its kind), and each of jedi's we lack, put in one
    category (why), with examples."""
    names: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for s, _k, n, _count, targets in truth["names"]:
        names[(s, n)].append(targets)
    defined: dict[str, set[str]] = defaultdict(set)
    for sym in ours["symbols"]:
        defined[sym["path"]].add(sym["name"])
    first = {(s, t, k): (line, name) for s, t, k, _, _, line, name in truth["pairs"]}
    t_all = set().union(*t_kind.values())
    aliases = _Aliases(root)
    fp: dict[str, list[str]] = defaultdict(list)
    fn: dict[str, list[str]] = defaultdict(list)
    for kind in KINDS:
        t_k = set().union(*(t_kind[k] for k in TRUTH_KINDS[kind]))
        for e in ours["edges"]:
            pair = (e["source"], e["target"])
            if _our_kind(e) != kind or not pair[0].endswith((".py", ".pyi")) or pair in t_k:
                continue
            if kind == "import":
                reason = "import: jedi resolves the statement to another file or to none"
            else:
                reason = _fp_reason(e, names, aliases)
            real = " [the pair is real: jedi sees another use]" if pair in t_all else ""
            fp[reason].append(f"{kind} `{pair[0]}` -> `{pair[1]}` ({_syms(e)}, line {e['line']}){real}")
        seen: set[tuple[str, str]] = set()
        for jk in sorted(TRUTH_KINDS[kind]):
            for s, t in sorted(t_kind[jk] - o_kind[kind] - seen):
                seen.add((s, t))
                line, name = first[(s, t, jk)]
                how = "direct" if (s, t) in direct else "inferred"
                if kind == "import":
                    reason = "import: we resolve the statement to another file or to none"
                else:
                    reason = _fn_reason((s, t) in o_kind["import"], how, name in defined[t], aliases.of(s, name))
                fn[reason].append(f"{jk} `{s}` -> `{t}` (`{name}`, line {line}, {how})")
    return {
        "false_positives": {r: {"pairs": len(v), "examples": v[:SAMPLES]} for r, v in _by_size(fp)},
        "false_negatives": {r: {"pairs": len(v), "examples": v[:SAMPLES]} for r, v in _by_size(fn)},
    }


class _Aliases:
    """What each source file's import statements bind: local name -> the name it had where it came from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, dict[str, str]] = {}

    def of(self, path: str, name: str) -> str | None:
        if path not in self.files:
            bound: dict[str, str] = {}
            try:
                tree = ast.parse((self.root / path).read_bytes())
            except (OSError, SyntaxError, ValueError):
                tree = ast.Module(body=[], type_ignores=[])
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    for a in node.names:
                        bound[a.asname or a.name] = a.name
            self.files[path] = bound
        return self.files[path].get(name)


def _by_size(groups: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _syms(e: dict[str, Any]) -> str:
    return ", ".join(f"`{s}`" for s in e.get("symbols", [])[:4])


def _fp_reason(e: dict[str, Any], names: dict[tuple[str, str], list[list[str]]], aliases: _Aliases) -> str:
    """Why one of our call / inherit pairs is not one of jedi's pairs of that kind."""
    syms = e.get("symbols", [])
    seen = [targets for sym in syms for targets in names.get((e["source"], sym), [])]
    if any(e["target"] in targets for targets in seen):
        return "kinds differ: jedi links the same name to the target, as another kind (inherit, not call)"
    if any(aliases.of(e["source"], sym) == sym for sym in syms):
        return "the source imports the name from the target, which re-binds it (`str = str`): jedi follows it on"
    if any(seen):
        return "name collision: jedi resolves the name to another file of the repository"
    if seen:
        return "name collision: jedi resolves the name to no file of the repository (library or builtin object)"
    return "name not called, annotated or inherited where jedi looks (used another way)"


def _fn_reason(imported: bool, how: str, defined: bool, original: str | None) -> str:
    """Why one of jedi's call / type / inherit pairs is not one of ours of that kind."""
    if not imported:
        if how == "direct":
            return "direct, target not imported by the source: a re-export (`from pkg import X`, X defined deeper)"
        return "inferred receiver, target not imported by the source (a method of an object from another file)"
    if original is not None and original != "" and not defined:
        return "direct, target imported under another name (`from m import f as g`): we look for `g`"
    if not defined:
        return f"{how}, target imported, but the name is not among its symbols (instance attribute, re-binding)"
    return f"{how}, target imported and defines the name: a use our query does not read (`ft.X[...]` annotation)"


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Python edges against jedi",
        "",
        f"Written by `bench/python_truth_bench.py`. {results.get('machine', '')}",
        "",
    ]
    for label, projects in sorted(results["labels"].items()):
        lines += [f"## {label} ({c.label_repos(projects)})", ""]
        rows = []
        named = sorted((k, v) for k, v in projects.items() if not k.startswith("_"))
        for name, r in named:
            kinds = r["kinds"]
            rows.append(
                [
                    name,
                    r["files"],
                    r["jedi_pairs"],
                    r["analyzer_pairs"],
                    r["precision"],
                    r["recall"],
                    r["recall_direct"],
                    r["recall_inferred"],
                ]
                + [f"{kinds[k]['precision']} / {kinds[k]['recall']}" for k in KINDS]
                + [f"{r['symbol_edges']['precision']} / {r['symbol_edges']['recall']}"]
            )
        headers = ["project", "files", "jedi pairs", "analyzer pairs", "precision", "recall"]
        headers += ["recall (direct)", "recall (inferred)"] + [f"{k} P / R" for k in KINDS] + ["call+inherit P / R"]
        lines += [c.md_table(headers, rows), ""]
        lines += ["Per kind, the pairs each side has and the call precision when any jedi reference confirms it:", ""]
        rows = []
        for name, r in named:
            for kind in KINDS:
                k = r["kinds"][kind]
                rows.append([name, kind, k["jedi"], k["analyzer"], k["precision"], k["recall"]])
                rows[-1] += [k["recall_direct"], k["precision_any_kind"]]
        lines += [
            c.md_table(
                ["project", "kind", "jedi", "analyzer", "precision", "recall", "recall (direct)", "P (any kind)"],
                rows,
            ),
            "",
        ]
        for name, r in named:
            for side, title in (("false_positives", "our pairs jedi lacks"), ("false_negatives", "jedi's we lack")):
                lines += [f"### {name}: {title}", ""]
                for reason, group in r["misses"][side].items():
                    lines.append(f"- **{reason}**: {group['pairs']} pair(s), e.g.")
                    lines += [f"  - {ex}" for ex in group["examples"]]
                lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repo", type=Path, default=c.REPO)
    ap.add_argument("--label", default="after")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="jedi processes (default: the cores)")
    args = ap.parse_args()
    names = [n for n in PROJECTS if not args.only or n in args.only.split(",")]
    results, projects = c.labelled_results("python_truth.json", args.label, args.repo)
    for name in names:
        sdist = c.fetch_pip(name, c.PIP_PACKAGES[name]).resolve()  # jedi needs the real paths
        folder, sys_dirs = PROJECTS[name]
        root = sdist / folder if folder else sdist
        t0 = time.perf_counter()
        truth = jedi_truth(name, sdist, root, sys_dirs, args.jobs)
        t1 = time.perf_counter()
        ours = analyzer_run(root, args.repo.resolve())
        projects[name] = compare(truth, ours, root) | {"jedi_s": truth["seconds"], "truth_cached": t1 - t0 < 5}
        summary = {k: v for k, v in projects[name].items() if k != "misses"}
        print(name, json.dumps(summary), flush=True)
    results["machine"] = c.machine_line(c.machine()) + f" jedi {JEDI_VERSION}."
    c.write_json("python_truth.json", results)
    c.write_text("python_truth.md", render(results))


if __name__ == "__main__":
    main()
