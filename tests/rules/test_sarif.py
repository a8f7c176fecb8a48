"""--check-format sarif writes a log that the official SARIF 2.1.0 schema accepts; json is stable."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from helpers import fixture

from analyzer.cli import main

RULES = Path(__file__).with_name("fixtures")
SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))


def test_the_sarif_log_is_valid_sarif_2_1_0(tmp_path: Path):
    out = tmp_path / "check.sarif"
    code = main([str(fixture("go")), "--check", str(RULES / "go/breaks.toml"), "--check-format", "sarif",
                 "--check-out", str(out), "--no-git"])  # fmt: skip
    assert code == 1
    log = json.loads(out.read_text())
    schema = json.loads(SCHEMA.read_text())
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    (run,) = log["runs"]
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("commands-stay-above-the-store", "cmd/shop/main.go", 8),
        ("store-is-private", "internal/service/service.go", 5),
    ]  # fmt: skip
    chain = [s["location"]["physicalLocation"]["artifactLocation"]["uri"]
             for s in results[0]["codeFlows"][0]["threadFlows"][0]["locations"]]  # fmt: skip
    assert chain == ["cmd/shop/main.go", "internal/service/service.go", "internal/store/memory.go"]


def test_a_clean_sarif_log_is_valid_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main([str(fixture("go")), "--check", str(RULES / "go/holds.toml"), "--check-format", "sarif", "--no-git"])
    assert code == 0
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(log)
    assert log["runs"][0]["results"] == []


def test_the_json_result(capsys: pytest.CaptureFixture[str]):
    code = main(
        [
            str(fixture("java")),
            "--check",
            str(RULES / "java/breaks.toml"),
            "--check-format",
            "json",
            "--no-git",
        ]
    )
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert [(v["file"], v["line"], v["rule"]) for v in data["violations"]] == [
        ("src/main/java/com/acme/repo/OrderRepository.java", 4, "layered"),
        ("src/main/java/com/acme/repo/OrderRepository.java", 4, "no cycles"),
    ]
