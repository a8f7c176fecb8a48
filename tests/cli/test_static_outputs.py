"""The CLI's static path (--no-llm) on the Python monolith fixture: every output written, the JSON
shapes, every report section, byte-identical reruns, atomic writes, outputs inside the tree."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from helpers import FIXTURES, REPORT_SECTIONS

from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"
GRAPH_FORMATS = [".dot", ".graphml", ".mmd"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))


def _run(out: Path, *extra: str, root: Path = FIXTURE, graph: str = ".dot") -> dict[str, Path]:
    paths = {
        "report": out / "report.md",
        "plan": out / "plan.md",
        "json": out / "graph.json",
        "graph": out / f"graph{graph}",
    }
    argv = [str(root), "--no-llm", "--no-git", *extra]
    for flag, path in paths.items():
        argv += [f"--{flag}", str(path)]
    assert main(argv) == 0
    return paths


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("static")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYZER_CACHE", str(tmp_path_factory.mktemp("static-cache")))
        return _run(out, "--no-cache")


def test_every_output_is_written(outputs):
    for path in outputs.values():
        assert path.is_file() and path.stat().st_size > 0
    mode = stat.S_IMODE(outputs["report"].stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # not the 0600 of a temporary file


def test_json_has_the_documented_shapes(outputs):
    data = json.loads(outputs["json"].read_text())
    files = {f["path"]: f for f in data["files"]}
    sources = sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*.py"))
    assert sorted(files) == sources == [f["path"] for f in data["files"]]
    for f in data["files"]:
        assert f["language"] == "python" and isinstance(f["loc"], int) and f["loc"] >= 0
    assert data["edges"], "the monolith has internal dependencies"
    for e in data["edges"]:
        assert e["source"] in files and e["target"] in files and e["source"] != e["target"]
        assert e["kind"] in ("import", "call", "inherit", "type")
        assert isinstance(e["line"], int) and e["line"] >= 1
    assert data["edges"] == sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["kind"], e["line"]))
    for x in data["external"]:
        assert isinstance(x["name"], str) and x["name"]
        assert x["importers"] and all(i in files for i in x["importers"])
    # the fixture's only third-party package is requests; the rest is Python's standard library
    assert {x["name"]: x["standard"] for x in data["external"]} == {
        "dataclasses": True,
        "decimal": True,
        "json": True,
        "logging": True,
        "os": True,
        "requests": False,
        "sys": True,
        "typing": True,
        "uuid": True,
    }
    assert {(x["package"], x["standard"]) for x in data["external_imports"]} == {
        (x["name"], x["standard"]) for x in data["external"]
    }
    assert data["cycles"], "the monolith fixture has an import cycle"
    for cycle in data["cycles"]:
        assert len(cycle) >= 2 and all(p in files for p in cycle)


def test_json_has_one_line_per_record(outputs):
    """Each file, edge, symbol... is one line (diff-friendly); the text is the data, nothing else."""
    text = outputs["json"].read_text()
    data = json.loads(text)
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    records = [json.loads(line.strip().rstrip(",")) for line in lines if line.startswith("  ")]
    lists = [v for v in data.values() if isinstance(v, list)]
    assert records == [item for v in lists for item in v]
    assert len(lines) == 2 + len(data) + sum(1 for v in lists if v) + len(records)  # "key: [" ... "]"


def test_report_has_every_section_in_order(outputs):
    text = outputs["report"].read_text()
    titles = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
    assert titles == REPORT_SECTIONS
    assert text.endswith("\n")


@pytest.mark.parametrize("suffix", GRAPH_FORMATS)
def test_graph_formats_name_every_file(tmp_path, suffix):
    paths = _run(tmp_path, "--no-cache", graph=suffix)
    text = paths["graph"].read_text()
    for source in FIXTURE.rglob("*.py"):
        rel = source.relative_to(FIXTURE).as_posix()
        assert rel in text
    first = {"dot": "digraph", "graphml": "<?xml", "mmd": "flowchart"}[suffix[1:]]
    assert text.lstrip().startswith(first)


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Path]]]:
    """A run without the cache, a cold-cache run and a warm-cache run, each in its own folder."""
    base = tmp_path_factory.mktemp("runs")
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        cache = tmp_path_factory.mktemp("runs-cache")
        mp.setenv("ANALYZER_CACHE", str(cache))
        for name, extra in (("a", ("--no-cache",)), ("b", ()), ("c", ())):
            (base / name).mkdir()
            runs.append(_run(base / name, *extra))
        assert len(list(cache.glob("parse/*.pkl"))) == 1  # the cached runs really used the cache
    return base, runs


@pytest.mark.parametrize("key", ["json", "graph", "report", "plan"])
def test_reruns_are_byte_identical(three_runs, key):
    _, runs = three_runs
    first, second, third = (r[key].read_bytes() for r in runs)
    assert first == second == third


def test_atomic_writes_leave_no_temp_files(three_runs):
    base, runs = three_runs
    names = sorted(p.name for p in base.rglob("*") if p.is_file())
    assert names == sorted([p.name for r in runs for p in r.values()])


def test_overwrite_keeps_the_existing_mode(tmp_path):
    (tmp_path / "report.md").write_text("old")
    (tmp_path / "report.md").chmod(0o640)
    paths = _run(tmp_path, "--no-cache")
    assert paths["report"].read_text().startswith("# ")
    assert stat.S_IMODE(paths["report"].stat().st_mode) == 0o640


def test_outputs_inside_the_analyzed_tree_are_not_analyzed(tmp_path, capsys):
    tree = Path(shutil.copytree(FIXTURE, tmp_path / "repo"))
    report = tree / "src" / "shop" / "report_out.py"  # named like source on purpose
    argv = [str(tree), "--no-llm", "--no-git", "--report", str(report), "--json", str(tree / "g.json")]
    assert main(argv) == 0
    assert main(argv) == 0  # second run: the report now exists inside the tree
    data = json.loads((tree / "g.json").read_text())
    assert "src/shop/report_out.py" not in [f["path"] for f in data["files"]]
    assert data["skipped"]["analyzer output"] == 2  # the report and the json: never read as input
    assert "analyzed 14 files" in capsys.readouterr().err


def test_a_warm_json_or_report_run_never_imports_networkx(tmp_path):
    """The stored analysis serves --json and a --no-llm report: no graph is built, so networkx (and the
    model, plan and export modules) are not even imported; a cold run does build and analyze the graph."""
    import subprocess
    import sys

    probe = (
        "import sys; from analyzer.cli import main; rc = main(sys.argv[1:]); "
        "print(rc, sorted(m for m in ('networkx', 'analyzer.model.passes', 'analyzer.documents.graph_export', 'llama_cpp') "
        "if m in sys.modules))"
    )
    argv = [
        str(FIXTURE),
        "--no-llm",
        "--no-git",
        "--json",
        str(tmp_path / "g.json"),
        "--report",
        str(tmp_path / "r.md"),
    ]
    env = {**os.environ, "ANALYZER_CACHE": str(tmp_path / "cache")}

    def loaded() -> str:
        done = subprocess.run([sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip().splitlines()[-1]

    assert loaded() == "0 ['networkx']"  # cold
    assert loaded() == "0 []"  # warm


def test_report_lists_third_party_packages_apart_from_the_standard_library(outputs):
    text = outputs["report"].read_text()
    section = text.split("## External dependencies", 1)[1].split("\n## ", 1)[0]
    assert "Third-party packages: 1.\n\n| package | importing files |\n|---|---:|\n| `requests` | 1 |" in section
    assert (
        "Standard library: 8 packages, imported by 6 files: `dataclasses` 1, `decimal` 1, `json` 1, "
        "`logging` 1, `os` 1, `sys` 1, `typing` 1, `uuid` 1."
    ) in section


def test_no_run_time_import_risk_without_run_time_imports(outputs):
    assert "module at run time" not in outputs["report"].read_text()


def test_cycles_section_says_when_symbols_couple_files_without_imports(outputs, tmp_path):
    """A Rails app's autoloaded constants link files with no require between them, and the Python
    monolith's uses of names its ``models/__init__.py`` re-exports link on to the defining files: the
    section says cycles follow imports only, and how many pairs."""
    (tmp_path / "rails").mkdir()
    rails = _run(tmp_path / "rails", "--no-cache", root=FIXTURE.parents[1] / "ruby" / "rails_app")
    for run, share in ((rails, 10), (outputs, 20)):
        section = run["report"].read_text().split("### Cycles", 1)[1].split("### Layering", 1)[0]
        facts = json.loads(run["json"].read_text())
        imported = {(e["source"], e["target"]) for e in facts["edges"] if e["kind"] == "import"}
        by_symbol = {
            (e["source"], e["target"]) for e in facts["edges"] if e["kind"] != "import" and e["source"] != e["target"]
        }
        expected = f"{len(by_symbol - imported)} of the {len(by_symbol)} file pairs linked by a call"
        assert len(by_symbol - imported) * share >= len(by_symbol) > 0
        assert f"Cycles and layers follow import statements. {expected}" in section
