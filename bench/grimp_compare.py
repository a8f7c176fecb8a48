"""Python import edges vs grimp's import graph (Flask and Django sdists).

grimp 3.19 runs in its own virtualenv (bench/_work/venv-grimp, created on first use) so the
project's dependencies stay clean.  Our side: ``analyze SDIST_ROOT --no-llm --json``, import
edges only, both ends inside the package directory, file paths mapped to module names
(``a/b/__init__.py`` -> ``a.b``, ``a/b/c.py`` -> ``a.b.c``).  Compared as sets of
(importer, imported) module pairs; every difference is listed with a category.

    .venv/bin/python bench/grimp_compare.py [--only flask]

Writes bench/results/grimp.json and bench/results/grimp.md.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import _common as c

VENV = c.WORK / "venv-grimp"
GRIMP_VERSION = "3.19"
GOAL = 0.98
MAX_LISTED = 50
#: project -> (directory put on sys.path, relative to the sdist root; package name)
TARGETS = {"flask": ("src", "flask"), "django": ("", "django")}


def grimp_python() -> Path:
    """The venv's interpreter, with grimp installed (created on first use)."""
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
    ok = subprocess.run(
        [str(py), "-c", f"import importlib.metadata as m; assert m.version('grimp') == '{GRIMP_VERSION}'"],
        capture_output=True,
    )
    if ok.returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"grimp=={GRIMP_VERSION}"], check=True)
    return py


def module_name(path: str) -> str:
    """``a/b/__init__.py`` -> ``a.b``; ``a/b/c.py`` -> ``a.b.c`` (path relative to the sys.path dir)."""
    parts = path.split("/")
    last = parts[-1].rsplit(".", 1)[0]
    return ".".join(parts[:-1] if last == "__init__" else [*parts[:-1], last])


def our_pairs(root: Path, path_dir: str, package: str, out: Path) -> tuple[dict, dict]:
    """Our import pairs inside the package: (module pair -> edge info), plus per-file import facts."""
    subprocess.run(
        [str(c.PYTHON), "-m", "analyzer", str(root), "--json", str(out), "--no-llm", "--no-cache"],
        check=True,
        capture_output=True,
        cwd=c.REPO,
    )
    data = json.loads(out.read_text())
    prefix = (f"{path_dir}/" if path_dir else "") + f"{package}/"
    strip = len(path_dir) + 1 if path_dir else 0
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for e in data["edges"]:
        if e["kind"] != "import" or not (e["source"].startswith(prefix) and e["target"].startswith(prefix)):
            continue
        if not (e["source"].endswith(".py") and e["target"].endswith(".py")):
            continue
        key = (module_name(e["source"][strip:]), module_name(e["target"][strip:]))
        pairs[key] = {"line": e["line"], "type_only": e["type_only"]}
    unresolved = [u for u in data["unresolved"] if u["source"].startswith(prefix)]
    return pairs, {"unresolved": unresolved}


def grimp_pairs(
    root: Path, path_dir: str, package: str, out: Path
) -> tuple[dict[tuple[str, str], dict], frozenset[str]]:
    sys_dir = root / path_dir if path_dir else root
    subprocess.run(
        [str(grimp_python()), str(c.BENCH / "_grimp_dump.py"), str(sys_dir), package, str(out)],
        check=True,
        cwd=tempfile.gettempdir(),
    )
    data = json.loads(out.read_text())
    pairs = {(a, b): {"line": line, "text": text} for a, b, line, text in data["imports"]}
    return pairs, frozenset(data["modules"])


def _file_of(root: Path, path_dir: str, module: str) -> Path | None:
    base = (root / path_dir if path_dir else root) / module.replace(".", "/")
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _line(root: Path, path_dir: str, module: str, line: int) -> str:
    f = _file_of(root, path_dir, module)
    if f is None or line <= 0:
        return ""
    lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[line - 1].strip() if line <= len(lines) else ""


def _context(root: Path, path_dir: str, module: str, line: int) -> list[str]:
    """The source lines above an import that decide its category (enclosing blocks)."""
    f = _file_of(root, path_dir, module)
    if f is None or line <= 0:
        return []
    lines = f.read_text(encoding="utf-8", errors="replace").splitlines()[:line]
    indent = len(lines[-1]) - len(lines[-1].lstrip())
    out = []
    for text in reversed(lines[:-1]):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        ind = len(text) - len(text.lstrip())
        if ind < indent:
            out.append(stripped)
            indent = ind
        if indent == 0:
            break
    return out


_ABS_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_ABS_FROM = re.compile(r"^\s*from\s+([\w][\w.]*)\s+import")


def _absolute_modules(text: str) -> list[str]:
    """The absolute modules a statement names ([] for relative imports)."""
    m = _ABS_FROM.match(text)
    if m:
        return [m.group(1)]
    m = _ABS_IMPORT.match(text)
    if m:
        return [part.split()[0] for part in m.group(1).split(",")]
    return []


def _matches_written(imported: str, written: list[str]) -> bool:
    """The module (or one of its parents/children) a statement names is ``imported``."""
    return any(imported == w or imported.startswith(w + ".") or w.startswith(imported + ".") for w in written)


def categorize(
    side: str,
    importer: str,
    imported: str,
    text: str,
    context: list[str],
    ours: dict,
    theirs: dict,
    package: str,
    modules: frozenset[str],
) -> str:
    """A short honest reason for one difference (heuristics over the import line and its blocks)."""
    if importer not in modules or imported not in modules:
        return "module unknown to grimp (directory without __init__.py, PEP 420 portion)"
    written = _absolute_modules(text)
    implicit = "BUG: absolute import resolved as implicit relative (Python 2 semantics)"
    if side == "ours_only" and written and not _matches_written(imported, written):
        return implicit
    if side == "grimp_only" and written:
        pkg = importer.rsplit(".", 1)[0]
        # we sent the statement to a sibling module named like the top-level package instead
        siblings = {f"{pkg}.{w.split('.')[0]}" for w in written}
        if importer in siblings or any((importer, sib) in ours for sib in siblings):
            return "missed: " + implicit[len("BUG: ") :] + " took it to a sibling module"
    joined = " ".join(context)
    if "TYPE_CHECKING" in joined:
        return "import under if TYPE_CHECKING"
    if any(x.startswith("try:") or x.startswith("except") for x in context):
        return "import inside try/except"
    if any(x.startswith(("if ", "elif ", "else")) for x in context):
        return "conditional import"
    if any(x.startswith(("def ", "async def ")) for x in context):
        return "import inside a function"
    parent = imported.rsplit(".", 1)[0]
    if side == "grimp_only" and (importer, parent) in ours:
        return "we resolved to the parent package (__init__) instead of the submodule"
    if side == "ours_only":
        kids = [b for (a, b) in theirs if a == importer and b.startswith(imported + ".")]
        if kids:
            return "we add the package __init__ where grimp has only the submodule"
    if re.search(r"^\s*from\s+\.+\s+import", text) or re.search(r"^\s*from\s+\.", text):
        return "relative import resolution"
    if text.startswith("import ") and " as " in text:
        return "import a.b as c"
    return "other (see line)"


def pep420_portions(root: Path, path_dir: str, package: str) -> list[str]:
    """Directories inside the package that hold Python files but no ``__init__.py``."""
    top = (root / path_dir if path_dir else root) / package
    dirs = {f.parent for f in top.rglob("*.py")}
    return sorted(d.relative_to(root).as_posix() for d in dirs if not (d / "__init__.py").exists())


def like_for_like(name: str, root: Path, tmp: Path) -> dict[str, Any] | None:
    """Both tools on a copy of the tree where each PEP 420 portion got an empty ``__init__.py``.

    grimp leaves such directories out of the graph; Python (and we) import them.  On the
    copy both tools see the same modules, so the remaining differences are resolution.
    """
    path_dir, package = TARGETS[name]
    portions = pep420_portions(root, path_dir, package)
    if not portions:
        return None
    copy = tmp / f"{name}-with-inits"
    shutil.copytree(root, copy)
    for d in portions:
        (copy / d / "__init__.py").write_text("")
    ours, _ = our_pairs(copy, path_dir, package, tmp / f"{name}-inits-ours.json")
    theirs, _ = grimp_pairs(copy, path_dir, package, tmp / f"{name}-inits-grimp.json")
    common = set(ours) & set(theirs)
    return {
        "added_init_py": portions,
        "ours": len(ours),
        "grimp": len(theirs),
        "common": len(common),
        "precision": round(len(common) / len(ours) if ours else 1.0, 4),
        "recall": round(len(common) / len(theirs) if theirs else 1.0, 4),
        "ours_only": sorted(map(list, set(ours) - set(theirs))),
        "grimp_only": sorted(map(list, set(theirs) - set(ours))),
    }


def compare(name: str, root: Path, tmp: Path) -> dict[str, Any]:
    path_dir, package = TARGETS[name]
    ours, extra = our_pairs(root, path_dir, package, tmp / f"{name}-ours.json")
    theirs, modules = grimp_pairs(root, path_dir, package, tmp / f"{name}-grimp.json")
    common = set(ours) & set(theirs)
    precision = len(common) / len(ours) if ours else 1.0
    recall = len(common) / len(theirs) if theirs else 1.0
    # the same, over pairs whose both modules grimp knows (it skips dirs without __init__.py)
    comparable = {k for k in ours if k[0] in modules and k[1] in modules}
    precision_known = len(common) / len(comparable) if comparable else 1.0
    diffs: dict[str, list[dict[str, Any]]] = {}
    for side, only, info in (
        ("ours_only", set(ours) - set(theirs), ours),
        ("grimp_only", set(theirs) - set(ours), theirs),
    ):
        rows = []
        for a, b in sorted(only):
            line = info[(a, b)]["line"]
            text = info[(a, b)].get("text") or _line(root, path_dir, a, line)
            ctx = _context(root, path_dir, a, line)
            rows.append(
                {
                    "importer": a,
                    "imported": b,
                    "line": line,
                    "text": text.strip(),
                    "category": categorize(side, a, b, text.strip(), ctx, ours, theirs, package, modules),
                }
            )
        diffs[side] = rows
    cats: dict[str, dict[str, int]] = {}
    for side, rows in diffs.items():
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["category"]] = counts.get(r["category"], 0) + 1
        cats[side] = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    return {
        "package": package,
        "sys_path_dir": path_dir or ".",
        "ours": len(ours),
        "grimp": len(theirs),
        "common": len(common),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "ours_known_to_grimp": len(comparable),
        "precision_known_modules": round(precision_known, 4),
        "grimp_modules": len(modules),
        "categories": cats,
        "differences": diffs,
        "unresolved_inside_package": extra["unresolved"],
        "like_for_like": like_for_like(name, root, tmp),
    }


def render(results: dict[str, Any], machine: dict[str, Any]) -> str:
    rows = [
        [
            n,
            r["ours"],
            r["grimp"],
            r["common"],
            f"{r['precision']:.4f}",
            f"{r['precision_known_modules']:.4f}",
            f"{r['recall']:.4f}",
        ]
        for n, r in results.items()
    ]
    lines = [
        f"### Python import edges vs grimp {GRIMP_VERSION} (module pairs inside the package)",
        "",
        c.md_table(
            ["project", "ours", "grimp", "both", "precision", "precision (modules grimp knows)", "recall"], rows
        ),
        "",
        f"Goal: precision and recall >= {GOAL}. grimp skips directories without `__init__.py` "
        "(PEP 420 portions such as `flask/sansio/`), which Python imports fine; the second precision "
        "counts only our pairs whose both modules grimp knows.",
        "",
    ]
    same = {n: r["like_for_like"] for n, r in results.items() if r.get("like_for_like")}
    if same:
        lines += [
            "Like for like: both tools on a copy of the tree where each such directory got an empty "
            "`__init__.py` (so grimp sees the modules Python imports):",
            "",
            c.md_table(
                ["project", "directories given an `__init__.py`", "ours", "grimp", "both", "precision", "recall"],
                [
                    [
                        n,
                        ", ".join(f"`{d}`" for d in x["added_init_py"]),
                        x["ours"],
                        x["grimp"],
                        x["common"],
                        f"{x['precision']:.4f}",
                        f"{x['recall']:.4f}",
                    ]
                    for n, x in same.items()
                ],
            ),
            "",
        ]
        for n, x in same.items():
            for side in ("ours_only", "grimp_only"):
                if x[side]:
                    lines += [
                        f"- {n}, {side.replace('_', ' ')}: "
                        + ", ".join(f"{a} -> {b}" for a, b in x[side][:MAX_LISTED]),
                        "",
                    ]
    for n, r in results.items():
        for side, title in (
            ("ours_only", "only in ours (false positives vs grimp)"),
            ("grimp_only", "only in grimp (missed by us)"),
        ):
            rows_ = r["differences"][side]
            if not rows_:
                continue
            lines += [f"#### {n}: {title}: {len(rows_)}", ""]
            lines += [f"- {k}: {v}" for k, v in r["categories"][side].items()]
            lines += [
                "",
                c.md_table(
                    ["importer", "imported", "line", "statement", "category"],
                    [
                        [
                            d["importer"],
                            d["imported"],
                            d["line"],
                            "`" + d["text"].replace("|", "\\|")[:90] + "`",
                            d["category"],
                        ]
                        for d in rows_[:MAX_LISTED]
                    ],
                ),
                "",
            ]
            if len(rows_) > MAX_LISTED:
                lines += [f"... and {len(rows_) - MAX_LISTED} more (bench/results/grimp.json)", ""]
    lines += [c.machine_line(machine), ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(TARGETS))
    ns = ap.parse_args()
    names = [n for n in TARGETS if not ns.only or n in ns.only.split(",")]
    roots = {n: c.fetch_pip(n, c.PIP_PACKAGES[n]) for n in names}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="grimp-bench-") as tmp:
        for n in names:
            results[n] = compare(n, roots[n], Path(tmp))
            print(
                f"{n}: ours {results[n]['ours']}, grimp {results[n]['grimp']}, "
                f"precision {results[n]['precision']}, recall {results[n]['recall']}",
                flush=True,
            )
    machine = c.machine()
    c.write_json("grimp.json", {"machine": machine, "grimp": GRIMP_VERSION, "goal": GOAL, "projects": results})
    md = render(results, machine)
    c.write_text("grimp.md", md)
    print(md)


if __name__ == "__main__":
    main()
