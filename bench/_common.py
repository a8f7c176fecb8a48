"""Shared helpers of the benchmark scripts: fetching sources, measuring child processes, machine facts.

Sources are fetched only from package registries (``pip download``, ``npm pack``) into
``bench/_work/`` (gitignored) and extracted there; a second run reuses them.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "_work"
RESULTS = BENCH / "results"
DOWNLOADS = WORK / "downloads"
SOURCES = WORK / "src"
#: the project's interpreter (the one with the analyzer installed); a git worktree without its own
#: .venv runs the benchmarks with the interpreter that runs them (``-m analyzer`` from REPO)
PYTHON = REPO / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
MEASURE = BENCH / "_measure.py"

PIP_PACKAGES = {"django": "5.2.8", "flask": "3.1.3", "requests": "2.34.2"}
NPM_PACKAGES = {"express": "5.3.0"}
#: (source, target, kind) file triples, as a truth bench and the analyzer list them
Triples = set[tuple[str, str, str]]
TRUTH_KINDS = ("import", "inherit", "type", "call")


def _extract(archive: Path, dest: Path) -> None:
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".extract-"))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fetch_pip(name: str, version: str) -> Path:
    """The extracted sdist root of ``name==version`` (downloaded with pip when missing)."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    SOURCES.mkdir(parents=True, exist_ok=True)
    dest = SOURCES / f"{name}-{version}"
    if not dest.is_dir():
        archives = sorted(DOWNLOADS.glob(f"{name}-{version}.tar.gz"))
        if not archives:
            subprocess.run(
                [
                    str(PYTHON),
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-binary",
                    ":all:",
                    "--no-deps",
                    f"{name}=={version}",
                    "-d",
                    str(DOWNLOADS),
                ],
                check=True,
            )
            archives = sorted(DOWNLOADS.glob(f"{name}-{version}.tar.gz"))
        if not archives:
            raise RuntimeError(f"pip download produced no sdist for {name}=={version}")
        _extract(archives[0], dest)
    inner = dest / f"{name}-{version}"
    return inner if inner.is_dir() else dest


def fetch_npm(name: str, version: str) -> Path:
    """The extracted ``package/`` folder of ``name@version`` (fetched with ``npm pack`` when missing)."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    SOURCES.mkdir(parents=True, exist_ok=True)
    dest = SOURCES / f"{name}-{version}"
    if not dest.is_dir():
        archive = DOWNLOADS / f"{name}-{version}.tgz"
        if not archive.is_file():
            subprocess.run(
                ["npm", "pack", "--silent", f"{name}@{version}"], cwd=DOWNLOADS, check=True, stdout=subprocess.DEVNULL
            )
        _extract(archive, dest)
    return dest / "package"


def fetch_all() -> dict[str, Path]:
    """Every benchmark project: name -> directory to analyze."""
    out = {name: fetch_pip(name, v) for name, v in PIP_PACKAGES.items()}
    out.update({name: fetch_npm(name, v) for name, v in NPM_PACKAGES.items()})
    return out


def measure(args: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> dict[str, Any]:
    """Run ``_measure.py ARGS`` in a fresh child process and return its report.

    ``wall_s`` is the parent's wall clock around the whole child (interpreter start
    included); the child adds its own peak RSS (``self_maxrss_mb``) and the largest
    peak among the processes it waited for (``children_maxrss_mb``: pool workers).
    """
    fd, report = tempfile.mkstemp(suffix=".json", prefix="measure-")
    os.close(fd)
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env["BENCH_MEASURE_OUT"] = report
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(PYTHON), str(MEASURE), *args], env=full_env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    wall = time.perf_counter() - t0
    try:
        data = json.loads(Path(report).read_text() or "{}")
    finally:
        Path(report).unlink(missing_ok=True)
    if proc.returncode != 0 or data.get("rc", 1) != 0:
        raise RuntimeError(f"measurement {args} failed (rc {proc.returncode}):\n{proc.stderr[-3000:]}")
    data["wall_s"] = round(wall, 3)
    data["stderr_tail"] = proc.stderr.strip().splitlines()[-3:]
    return data


#: the stage times in the command's summary line ("... (discover 0.14s, parse 0.81s, resolve 0.08s, ...)")
_STAGE = re.compile(r"\b(parse|resolve) ([0-9.]+)s")


def analyzer_edges(root: Path, repo: Path, timeout: float | None = None) -> tuple[Triples, dict[str, float]]:
    """``-m analyzer ROOT --no-llm --no-cache --json`` run from checkout ``repo``: its (source,
    target, kind) edges, and the run's wall and CPU seconds (with its parse workers') and its
    parse and resolve stages' seconds (as the command prints them).  Raises
    ``subprocess.TimeoutExpired`` past ``timeout`` seconds (the command's process group is killed)."""
    with tempfile.TemporaryDirectory(prefix="truth-") as tmp:
        out = Path(tmp) / "out.json"
        t0, cpu0 = time.perf_counter(), _children_cpu()
        with subprocess.Popen(
            [sys.executable, "-m", "analyzer", str(root), "--no-llm", "--no-cache", "--json", str(out)],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its parse workers go with it on a timeout
        ) as proc:
            try:
                _, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.communicate()
                raise
        wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        if proc.returncode != 0:
            raise SystemExit(f"analyze exited {proc.returncode}:\n{stderr[-2000:]}")
        data = json.loads(out.read_text())
    times = {"analyze_s": wall, "analyze_cpu_s": cpu} | {
        f"{k}_s": float(v) for k, v in _STAGE.findall(" ".join(stderr.split()))
    }
    return {(e["source"], e["target"], e["kind"]) for e in data["edges"]}, times


def _children_cpu() -> float:
    """User + system CPU seconds of the waited-for child processes (and theirs: the parse workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ratio(n: int, d: int) -> float | None:
    """``n / d`` to three places, None when ``d`` is 0 (the truth benches' precision and recall)."""
    return round(n / d, 3) if d else None


def compare_pairs(
    truth: Triples, ours: Triples, named: set[tuple[str, str]], label: str, *, any_kind_precision: bool = False
) -> dict[str, Any]:
    """Precision and recall of the analyzer's file pairs against a compiler's, all kinds together
    and per kind; recall also over ``named`` (pairs a name written in the file resolves to) and over
    the other truth pairs (reached only through inferred types).  ``label`` names the truth's
    counts (``javac_pairs``, ``go_types_pairs``).  A kind's precision is the share of its pairs the
    truth has with the same kind; with ``any_kind_precision`` it is the share the truth has with any
    kind, and ``precision_same_kind`` holds the same-kind share."""
    t_all = {(s, t) for s, t, _ in truth}
    o_all = {(s, t) for s, t, _ in ours}
    named = named & t_all
    inferred = t_all - named
    out: dict[str, Any] = {
        f"{label}_pairs": len(t_all),
        "analyzer_pairs": len(o_all),
        "precision": ratio(len(o_all & t_all), len(o_all)),
        "recall": ratio(len(o_all & t_all), len(t_all)),
        "recall_named": ratio(len(o_all & named), len(named)),
        "recall_inferred": ratio(len(o_all & inferred), len(inferred)),
        "named_pairs": len(named),
        "inferred_pairs": len(inferred),
        "kinds": {},
    }
    for kind in TRUTH_KINDS:
        t_k = {(s, t) for s, t, k in truth if k == kind}
        o_k = {(s, t) for s, t, k in ours if k == kind}
        same = ratio(len(o_k & t_k), len(o_k))
        row: dict[str, Any] = {label: len(t_k), "analyzer": len(o_k), "precision": same}
        if any_kind_precision:
            row |= {"precision": ratio(len(o_k & t_all), len(o_k)), "precision_same_kind": same}
        out["kinds"][kind] = row | {"recall": ratio(len(o_k & t_k), len(t_k))}
    return out


def stamp_repo(projects: dict[str, Any], repo: str) -> None:
    """Set a label's checkout to ``repo``; its projects measured from another keep theirs (``repo``)."""
    old = projects.get("_repo")
    if old and old != repo:
        for name, entry in projects.items():
            if not name.startswith("_"):
                entry.setdefault("repo", old)
    projects["_repo"] = repo


def labelled_results(name: str, label: str, repo: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """``bench/results/NAME`` (``{"labels": {...}}``, new when missing) and its entry for ``label``, stamped
    with the checkout ``repo`` it is measured from (:func:`stamp_repo`)."""
    path = RESULTS / name
    results: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"labels": {}}
    projects = results["labels"].setdefault(label, {})
    stamp_repo(projects, str(repo))
    return results, projects


def label_repos(projects: dict[str, Any]) -> str:
    """The checkouts a label's projects were measured from: its own, then any a project keeps."""
    repo = projects.get("_repo", "")
    others = sorted({v.get("repo", repo) for k, v in projects.items() if not k.startswith("_")} - {repo})
    return repo + "".join(f"; some projects from {o}" for o in others)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def machine() -> dict[str, Any]:
    """Cores, CPU model, Python version and date of this run."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    version = subprocess.run(
        [str(PYTHON), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True
    ).stdout.strip()
    ts = subprocess.run(
        [str(PYTHON), "-c", "import tree_sitter, importlib.metadata as m;print(m.version('tree-sitter'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor() or "unknown",
        "memory_gb": mem_gb,
        "python": version or sys.version.split()[0],
        "tree_sitter": ts,
        "platform": platform.platform(),
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def machine_line(m: dict[str, Any]) -> str:
    return (
        f"Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB RAM; Python {m['python']}, "
        f"tree-sitter {m['tree_sitter']}; {m['date']}."
    )


def write_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    return path


def write_text(name: str, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(text)
    return path


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)
