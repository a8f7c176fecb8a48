"""The structured tasks end to end: the tiny random-weight model (under 7B: structured tasks only) and a
scripted OpenAI-compatible server that answers each JSON task from its schema (a server also writes the
free-form sections)."""

from __future__ import annotations

import json
import re

import pytest
from fake_server import FakeServer
from helpers import FIXTURES

from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"
LABEL = re.compile(r"^_Written by the model [^\n]+ as JSON under a schema, one item per call; [^\n]+\._$", re.MULTILINE)
WITHHELD = re.compile(r"^_The model's items were withheld: all \d+ item\(s\) failed the checks \(.+\)\._$")
STRUCTURED = ("findings", "boundary-names", "wave-risks", "cycle-cuts")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, tiny_model_path):
    out = tmp_path_factory.mktemp("structured")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYZER_CACHE", str(out / "cache"))
    common = ["--model", str(tiny_model_path), "--ctx", "4096", "--no-git"]
    try:
        assert main([str(FIXTURE), "--report", str(out / "report.md"), "--plan", str(out / "plan.md"), *common]) == 0
        assert main([str(FIXTURE), "--plan", str(out / "plan.json"), "--format", "json", *common]) == 0
    finally:
        mp.undo()
    return out


def _section(markdown: str, heading: str) -> str:
    return markdown.split(heading + "\n\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0].strip()


def test_a_small_model_writes_no_free_form_text_and_says_which_option_asks_for_it(tiny_run):
    report = (tiny_run / "report.md").read_text(encoding="utf-8")
    assessment = _section(report, "### Assessment")
    assert re.fullmatch(r"_No free-form text: a model of \d+M parameters \(under 7B\) .+--free-form .+\._", assessment)
    assert "Pass draft" not in report and "Pass final" not in report
    assert re.search(r"^- Structured calls: \d+, \d+ prompt tokens \(\d+ reused", report, re.MULTILINE)
    plan = (tiny_run / "plan.md").read_text(encoding="utf-8")
    assert _section(plan, "## Migration narrative").startswith("_No free-form text: ")


def test_each_structured_section_is_published_under_a_label_or_withheld_with_its_reasons(tiny_run):
    seen = 0
    for name, headings in (("report.md", ["### Findings"]), ("plan.md", ["### Boundary names and responsibilities"])):
        text = (tiny_run / name).read_text(encoding="utf-8")
        for heading in headings + [h for h in ("### Main risk of each wave", "### Where to cut each import cycle")]:
            if heading not in text:
                continue
            seen += 1
            body = _section(text, heading)
            assert LABEL.match(body) or WITHHELD.fullmatch(body), f"{heading}:\n{body}"
    assert seen >= 3


def test_json_items_carry_who_wrote_them_and_the_verdict(tiny_run):
    data = json.loads((tiny_run / "plan.json").read_text(encoding="utf-8"))
    items = data["model_items"]
    assert {i["task"] for i in items} == {"boundary", "cycle", "wave"}
    for item in items:
        assert item["by"] == "model" and item["status"] in ("accepted", "rejected")
        assert (item["status"] == "rejected") == bool(item["reason"])
    ids = {f["id"] for f in data["facts"]}
    assert {i["subject"] for i in items} <= ids
    for section in data["sections"]:
        if section["by"] == "model":
            assert section["status"] in ("published", "withheld", "skipped")
            assert (section["status"] == "published") == (not section["reason"])
    assert any(s["key"] in STRUCTURED for s in data["sections"])
    assert data["grounding"] is None and data["model_proposal"] is None


# --- a server that answers every JSON task well: the items are accepted and rendered by code ----------


_NAMED: set[str] = set()


def _answer(body: dict) -> str:
    """A sound answer to one structured task, built from the task's own schema and fact line."""
    schema = (body.get("response_format") or {}).get("schema")
    if schema is None or "modules" in schema["properties"]:  # a free-form pass, or the module proposal
        return "The monolith has one package."
    props = schema["properties"]
    # the task's fact line is delimited data; the names in backticks are the fact's
    names = re.findall(r"`([^`]+)`", body["messages"][1]["content"])
    if "severity" in props:
        subject = props["facts"]["items"]["enum"][0]
        sentence = f"`{names[0]}` is among the files most other files reach, so every edit to it needs wide tests."
        return json.dumps({"facts": [subject], "severity": "high", "sentence": sentence})
    if "boundary" in props:  # a name no earlier boundary took (a repeated name is rejected)
        term = next((t for t in props["name"]["items"]["enum"] if t not in _NAMED), props["name"]["items"]["enum"][0])
        _NAMED.add(term)
        what = f"Handles the {term} work of the application behind `{names[0]}` and keeps it in one place."
        return json.dumps({"boundary": props["boundary"]["enum"][0], "name": [term], "responsibility": what})
    if "cycle" in props:
        cut = props["cut"]["enum"][0]
        source, target = cut.split(" -> ")
        why = f"`{source}` needs one name from `{target}`, which can move into a module both import."
        return json.dumps({"cycle": props["cycle"]["enum"][0], "cut": cut, "why": why})
    risk = f"Callers of `{names[0]}` break until its facade is in place and tested side by side."
    return json.dumps({"wave": props["wave"]["enum"][0], "risk": risk})


@pytest.fixture(scope="module")
def server_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("structured-server")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYZER_CACHE", str(out / "cache"))
    try:
        with FakeServer(model_id="qwen2.5-coder-14b-instruct", answer_for=_answer) as server:
            args = [str(FIXTURE), "--server", server.url, "--no-git", "--max-tokens", "64"]
            assert main([*args, "--report", str(out / "report.md"), "--plan", str(out / "plan.md")]) == 0
            requests = server.chat_requests()
    finally:
        mp.undo()
    return out, requests


def test_a_server_gets_the_structured_tasks_under_schemas_with_one_shared_system_message(server_run):
    _, requests = server_run
    schemas = [(r.body, r.body.get("response_format", {}).get("schema")) for r in requests]
    structured = [body for body, schema in schemas if schema and "modules" not in schema["properties"]]
    assert len(structured) >= 5
    assert len({b["messages"][0]["content"] for b in structured}) == 1
    assert "F1: " in structured[0]["messages"][0]["content"]
    assert any(r.body["messages"][0]["content"] != structured[0]["messages"][0]["content"] for r in requests)


def test_accepted_items_are_rendered_by_code_in_both_documents(server_run):
    out, _ = server_run
    report = (out / "report.md").read_text(encoding="utf-8")
    findings = _section(report, "### Findings")
    assert LABEL.match(findings) and "qwen2.5-coder-14b-instruct" in findings
    assert re.search(r"^\| high \| `src/shop/[^|]+\| F\d+: ", findings, re.MULTILINE)
    plan = (out / "plan.md").read_text(encoding="utf-8")
    for heading in ("Boundary names and responsibilities", "Main risk of each wave", "Where to cut each import cycle"):
        body = _section(plan, "### " + heading)
        assert LABEL.match(body), body
        assert "rejected" not in body.split("\n", 1)[0], body
    # a server also writes the free-form sections: gated as before
    assert "_No free-form text" not in report and "### Assessment" in report
