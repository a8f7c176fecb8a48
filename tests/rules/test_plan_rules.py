"""--plan --rules-out writes rules that hold on the repository they were written for, fail on the first
new crossing (in a copy), and the plan counts the crossings listed as exceptions; the CLI's exit codes."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from helpers import fixture

from analyzer.cli import main

RULES = Path(__file__).with_name("fixtures")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))


def _plan(root: Path, out: Path) -> Path:
    rules = out / "rules.toml"
    code = main([str(root), "--plan", str(out / "plan.md"), "--no-llm", "--rules-out", str(rules), "--no-git"])
    assert code == 0
    return rules


def test_the_plans_rules_hold_then_break_on_one_new_crossing(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    repo = tmp_path / "repo"
    shutil.copytree(fixture("python", "bounded_contexts"), repo)
    rules = _plan(repo, tmp_path)
    data = tomllib.loads(rules.read_text())
    (rule,) = data["rule"]
    assert rule["kind"] == "independence"
    assert ["src/storefront/billing/**"] in rule["groups"] and ["src/storefront/catalog/**"] in rule["groups"]
    assert "src/storefront/catalog/__init__.py" in rule["interfaces"]
    capsys.readouterr()
    assert main([str(repo), "--check", str(rules), "--no-git", "--check-format", "json"]) == 0

    services = repo / "src/storefront/billing/services.py"
    lines = services.read_text().splitlines()
    lines.insert(1, "from storefront.catalog import repository  # a new crossing into catalog's internals")
    services.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main([str(repo), "--check", str(rules), "--no-git"]) == 1
    assert "1 violation(s)" in capsys.readouterr().out
    assert main([str(repo), "--check", str(rules), "--no-git", "--check-format", "json"]) == 1
    import json

    (v,) = json.loads(capsys.readouterr().out)["violations"]
    assert (v["file"], v["line"], v["target"], v["edge"], v["rule"]) == (
        "src/storefront/billing/services.py", 2, "src/storefront/catalog/repository.py", "import",
        "boundaries stay independent",
    )  # fmt: skip


def test_todays_crossings_are_exceptions_and_the_plan_counts_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    rules = _plan(fixture("go"), tmp_path)
    data = tomllib.loads(rules.read_text())
    exceptions = [(e["from"], e["to"]) for e in data["rule"][0]["exception"]]
    assert ("internal/service/service.go", "internal/store/memory.go") in exceptions  # the service builds the store
    assert all(e["reason"] for e in data["rule"][0]["exception"])
    plan = (tmp_path / "plan.md").read_text()
    assert f"**{len(exceptions)} crossing(s) found today are listed as exceptions**" in plan
    capsys.readouterr()
    assert main([str(fixture("go")), "--check", str(rules), "--no-git"]) == 0
    assert (
        f"{len(exceptions)} known exception(s) listed, {len(exceptions)} crossing(s) tolerated"
        in capsys.readouterr().out
    )
    # the report shows the count too: the migration's progress measure
    report = tmp_path / "arch.md"
    assert main([str(fixture("go")), "--check", str(rules), "--report", str(report), "--no-llm", "--no-git"]) == 0
    section = report.read_text().split("## Architecture rules\n\n", 1)[1].split("\n## ", 1)[0]
    assert f"{len(exceptions)} known exception(s) listed, {len(exceptions)} crossing(s) tolerated by them" in section


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    java = str(fixture("java"))
    assert main([java, "--check", str(RULES / "java/holds.toml"), "--no-git"]) == 0
    assert main([java, "--check", str(RULES / "java/breaks.toml"), "--no-git"]) == 1
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "x"\nkind = "forbidden"\nfrom = "a"\n')
    capsys.readouterr()
    assert main([java, "--check", str(bad)]) == 2
    assert f"{bad}:1: rule 'x': a forbidden rule needs 'to'" in capsys.readouterr().err.replace("\n", "")
    assert main([java, "--rules-out", str(tmp_path / "r.toml")]) == 2  # needs --plan


def test_the_table_names_file_line_target_and_rule(tmp_path: Path):
    out = tmp_path / "check.txt"
    args = [str(fixture("java")), "--check", str(RULES / "java/breaks.toml"), "--check-out", str(out)]
    assert main([*args, "--no-git"]) == 1
    rows = [line for line in out.read_text().splitlines() if "OrderRepository.java:4" in line]
    assert len(rows) == 2
    assert "src/main/java/com/acme/service/OrderService.java" in rows[0] and "import" in rows[0]
    assert "layered" in rows[0] and "no cycles" in rows[1]
    assert "OrderRepository.java ->" in rows[1]  # the chain column starts the cycle


def test_one_run_decomposes_once_and_checks_the_rules_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_model_path
):
    """--report --plan --rules-out --check with a model: the boundaries and the rules check are computed once
    and shared by the rules file, the plan, the model's tasks, the report's rules line and --check."""
    import analyzer.rules
    import analyzer.static.boundaries

    calls = {"decompose": 0, "check": 0}
    propose, check = analyzer.static.boundaries.propose_boundaries, analyzer.rules.check_rules

    def counting_propose(*args):
        calls["decompose"] += 1
        return propose(*args)

    def counting_check(*args):
        calls["check"] += 1
        return check(*args)

    monkeypatch.setattr(analyzer.static.boundaries, "propose_boundaries", counting_propose)
    monkeypatch.setattr(analyzer.rules, "check_rules", counting_check)
    root = fixture("go")
    first = _plan(root, tmp_path)
    calls.update(decompose=0, check=0)
    args = [
        str(root),
        "--model",
        str(tiny_model_path),
        "--ctx",
        "4096",
        "--max-tokens",
        "8",
        "--no-git",
        "--report",
        str(tmp_path / "r.md"),
        "--plan",
        str(tmp_path / "p.md"),
    ]
    args += ["--rules-out", str(tmp_path / "again.toml"), "--check", str(first)]
    assert main(args) == 0
    assert calls == {"decompose": 1, "check": 1}
    assert (tmp_path / "again.toml").read_text() == first.read_text()
