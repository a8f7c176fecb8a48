"""A random-weight model writes gibberish: the gate must withhold it, say why, and keep it out of the report.

The tiny model is far under 7B parameters: ``--free-form`` asks it for the free-form sections the gate
is tested on here (its structured items: tests/cli/test_structured.py)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import FIXTURES

from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"
WITHHELD = re.compile(r"^_The model's text was withheld: (.+)\._$", re.MULTILINE)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, tiny_model_path):
    out = tmp_path_factory.mktemp("withheld")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYZER_CACHE", str(out / "cache"))
    common = ["--model", str(tiny_model_path), "--ctx", "4096", "--max-tokens", "48", "--no-git", "--free-form"]
    try:
        assert main([str(FIXTURE), "--report", str(out / "report.md"), "--keep-reasoning", *common]) == 0
        assert main([str(FIXTURE), "--plan", str(out / "plan.json"), "--format", "json", *common]) == 0
    finally:
        mp.undo()
    return out


def _assessment(markdown: str) -> str:
    return markdown.split("### Assessment\n\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0].strip()


def test_gibberish_is_withheld_with_a_reason(tiny_run):
    text = (tiny_run / "report.md").read_text(encoding="utf-8")
    assessment = _assessment(text)
    match = WITHHELD.fullmatch(assessment)
    assert match, assessment
    assert "Written by the model" not in text
    assert "Gate: the final text was withheld: " + match.group(1) in text


def test_withheld_text_is_kept_only_in_the_appendix_with_keep_reasoning(tiny_run):
    text = (tiny_run / "report.md").read_text(encoding="utf-8")
    appendix = text.split("\n## Appendix", 1)[1]
    assert "### Withheld final text" in appendix


def test_json_sections_say_who_wrote_them_and_what_the_gate_decided(tiny_run):
    data = json.loads((tiny_run / "plan.json").read_text(encoding="utf-8"))
    by = {s["key"]: s["by"] for s in data["sections"]}
    assert by["narrative"] == "model" and by["appendix"] == "analyzer"
    assert {s["by"] for s in data["sections"]} <= {"analyzer", "model"}
    for section in data["sections"]:
        if section["by"] == "model":
            assert section["status"] in ("published", "withheld")
            assert (section["status"] == "withheld") == bool(section["reason"])
        else:
            assert "status" not in section
    narrative = next(s for s in data["sections"] if s["key"] == "narrative")
    assert narrative["status"] == "withheld" and narrative["reason"]
    assert data["grounding"]["gate"] == {"published": False, "reasons": narrative["reason"].split("; ")}


def test_a_model_written_report_states_the_rules_check_too(tmp_path, tiny_model_path, monkeypatch):
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))
    rules = FIXTURES.parent / "tests" / "rules" / "fixtures" / "python" / "breaks.toml"
    report = tmp_path / "report.md"
    args = [str(FIXTURES / "python" / "bounded_contexts"), "--check", str(rules), "--report", str(report)]
    assert main([*args, "--model", str(tiny_model_path), "--ctx", "4096", "--max-tokens", "8", "--no-git"]) == 1
    text = report.read_text(encoding="utf-8")
    section = text.split("## Architecture rules\n\n", 1)[1].split("\n## ", 1)[0]
    assert re.match(r"\d+ violation\(s\) of \d+ rule\(s\) in .*breaks\.toml; \d+ known exception\(s\) listed", section)
    assert text.index("## Architecture rules") < text.index("## Appendix")
