"""Rules that hold and rules that break, on the real graph of four languages' fixtures
(tests/rules/fixtures/<language>/{holds,breaks}.toml): every violation with file, line, target, edge and rule."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from helpers import fixture

from analyzer import pipeline
from analyzer.config import Settings
from analyzer.rules import load_rules

RULES = Path(__file__).with_name("fixtures")  # <language>/{holds,breaks}.toml
CASES = {"python": "bounded_contexts", "java": "monolith", "js": "monolith", "go": "monolith"}


@cache
def _static(language: str) -> pipeline.StaticAnalysis:
    root = fixture(language, CASES[language])
    return pipeline.analyze_static(Settings(root=root, use_cache=False, use_git_history=False).validate())


def _check(language: str, name: str):
    return pipeline.check_rules(_static(language), load_rules(RULES / language / f"{name}.toml"))


@pytest.mark.parametrize("language", sorted(CASES))
def test_rules_that_hold(language):
    result = _check(language, "holds")
    assert result.is_ok, [v.message for v in result.violations]
    assert result.violations == ()


BROKEN = {
    "python": [
        ("src/storefront/billing/gateway.py", 7, "requests", "import", "billing uses no HTTP client", 2),
        (
            "src/storefront/ordering/services.py",
            5,
            "src/storefront/billing/__init__.py",
            "import",
            "contexts are independent",
            2,
        ),
        (
            "src/storefront/ordering/services.py",
            6,
            "src/storefront/catalog/__init__.py",
            "import",
            "contexts are independent",
            2,
        ),
        (
            "src/storefront/shipping/services.py",
            5,
            "src/storefront/catalog/__init__.py",
            "import",
            "contexts are independent",
            2,
        ),
    ],
    "java": [
        (
            "src/main/java/com/acme/repo/OrderRepository.java",
            4,
            "src/main/java/com/acme/service/OrderService.java",
            "import",
            "layered",
            2,
        ),
        (
            "src/main/java/com/acme/repo/OrderRepository.java",
            4,
            "src/main/java/com/acme/service/OrderService.java",
            "import",
            "no cycles",
            3,
        ),
    ],
    "js": [
        ("src/models/order.ts", 2, "src/models/user.ts", "import", "no cycles in the models", 3),
        ("src/models/user.ts", 12, "src/models/order.ts", "call", "models are independent", 2),
    ],
    "go": [
        ("cmd/shop/main.go", 8, "internal/store/memory.go", "import", "commands stay above the store", 3),
        ("internal/service/service.go", 5, "internal/store/memory.go", "import", "store is private", 2),
    ],
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_rules_that_break(language):
    result = _check(language, "breaks")
    found = [(v.source, v.line, v.target, v.edge, v.rule, len(v.chain)) for v in result.violations]
    assert found == BROKEN[language]
    assert not result.is_ok


def test_a_layers_rule_reports_the_shortest_chain_through_files_outside_the_layers():
    (v,) = [v for v in _check("go", "breaks").violations if v.kind == "layers"]
    assert v.chain == ("cmd/shop/main.go", "internal/service/service.go", "internal/store/memory.go")
    assert "through internal/service/service.go" in v.message


def test_a_cycle_is_reported_with_its_shortest_loop():
    (v,) = [v for v in _check("js", "breaks").violations if v.kind == "no-cycles"]
    assert v.chain == ("src/models/order.ts", "src/models/user.ts", "src/models/order.ts")


def test_an_exception_tolerates_its_crossing_and_is_counted():
    result = _check("python", "breaks")
    assert result.rules.exception_count == 1
    assert result.excused == 1
    assert result.stale == ()
    assert all(
        v.source != "src/storefront/shipping/services.py" or "ordering" not in v.target for v in result.violations
    )


def test_an_exception_that_matches_nothing_is_reported_stale(tmp_path: Path):
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "r"\nkind = "forbidden"\nfrom = "cmd"\nto = "internal/model"\n\n'
        '[[rule.exception]]\nfrom = "cmd/shop/main.go"\nto = "internal/model/model.go"\nreason = "legacy"\n\n'
        '[[rule.exception]]\nfrom = "cmd/gone.go"\nto = "internal/model/model.go"\nreason = "removed since"\n'
    )
    result = pipeline.check_rules(_static("go"), load_rules(rules))
    assert result.is_ok
    assert result.excused == 1
    assert result.stale == (("r", 12),)  # the second [[rule.exception]] table


def test_edge_kinds_select_what_a_rule_covers(tmp_path: Path):
    # order.ts and user.ts import each other and user.ts calls order.ts: an inherit-only rule sees neither
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "r"\nkind = "no-cycles"\nscope = "src/models"\nedges = ["inherit"]\n')
    assert pipeline.check_rules(_static("js"), load_rules(rules)).is_ok
