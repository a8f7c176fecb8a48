"""The structured tasks' items checked one by one: each kind of rejection with fixed answers, over the
numbered facts of a real fixture (real tree-sitter parse, real networkx analyses)."""

from __future__ import annotations

import json

import pytest
from helpers import fixture

from analyzer.config import Settings
from analyzer.documents.plan import plan_facts
from analyzer.model import checks, items
from analyzer.model.fact_sheet import build_fact_sheet
from analyzer.model.gate import Reference
from analyzer.model.prompt import load_prompt, prompt_texts
from analyzer.pipeline import analyze_static


@pytest.fixture(scope="module")
def world():
    static = analyze_static(Settings(root=fixture("python"), use_cache=False, jobs=1, use_git_history=False))
    plan = plan_facts(static, "microservices")
    sheet = build_fact_sheet(static, plan.boundaries, plan.order, plan.metrics)
    reference = Reference(
        checks.known_names_of(static), checks.facts_of(static), prompt_texts(load_prompt("pro")), sheet.text()
    )
    return sheet, reference


CUSTOMER = "src/shop/models/customer.py"
ORDER = "src/shop/models/order.py"
GOOD_WHY = f"`{ORDER}` reads the customer's name only to print it, so that lookup can move into `{CUSTOMER}`."


def _hotspot(sheet, path=CUSTOMER):
    return next(f for f in sheet.facts if f.text.startswith("Hotspot:") and path in f.names)


def _finding(world, sentence, facts=None, severity="high", earlier=()):
    sheet, reference = world
    fact = _hotspot(sheet)
    answer = json.dumps({"facts": facts or [fact.id], "severity": severity, "sentence": sentence})
    return items.check_finding(answer, "stop", fact, sheet, reference, list(earlier))


def test_a_grounded_finding_is_accepted(world):
    item = _finding(world, f"`{CUSTOMER}` is both central and large, so a change to it reaches most of the shop.")
    assert item.accepted, item.reason
    assert item.get("severity") == "high" and item.get("facts").startswith("F")


@pytest.mark.parametrize(
    "sentence, reason",
    [
        ("The code is broken.", "the sentence is too short (4 words)"),
        (
            "The architecture of this repository prioritizes modularity and scalability for many teams.",
            "shares no word",
        ),
        (f"`{CUSTOMER}` and `src/shop/ghost.py` are large and every change to them is risky.", "`src/shop/ghost.py`"),
        (f"`{CUSTOMER}` is high on the list. `{CUSTOMER}` is high on the list.", "repeats itself"),
        (f"Task step 3: the draft says `{CUSTOMER}` is the largest file of the shop.", "talks about the task"),
        (f"`{CUSTOMER}` matters: severity is high, medium or low for this file.", "copies its task's instructions"),
        (f"`{CUSTOMER}` sits in 5 import cycles, so every change to it ripples.", "contradicts the computed facts"),
        (f"`{CUSTOMER}` is large, and W9 says it moves last, after every other part.", "W9 (no such fact)"),
        (f"`{CUSTOMER}` is large, and `src/shop/cli.py` calls it from everywhere in the shop.", "`src/shop/cli.py`"),
        (f"Hotspot: `{CUSTOMER}` (13 LOC, PageRank 0.150) matters most here.", "restates its facts word for word"),
        (f"`{CUSTOMER}` is the type of the task that is being performed here.", 'talks about its "task"'),
    ],
)
def test_each_kind_of_bad_sentence_is_rejected_with_its_reason(world, sentence, reason):
    item = _finding(world, sentence)
    assert item.status == "rejected" and reason in item.reason, item.reason


def test_unknown_unrelated_duplicate_and_missing_fact_ids_are_rejected(world):
    sheet, _ = world
    fact = _hotspot(sheet)
    sentence = f"`{CUSTOMER}` is both central and large, so a change to it reaches most of the shop."
    unrelated = next(f.id for f in sheet.facts if f.id.startswith("F") and not set(f.names) & set(fact.names))
    assert "unknown fact ID(s) F99" in _finding(world, sentence, facts=[fact.id, "F99"]).reason
    assert (
        f"it cites {unrelated}, which share(s) no file" in _finding(world, sentence, facts=[fact.id, unrelated]).reason
    )
    assert "it cites a fact twice" in _finding(world, sentence, facts=[fact.id, fact.id]).reason
    other = _hotspot(sheet, ORDER).id
    assert f"it does not cite {fact.id}" in _finding(world, sentence, facts=[other]).reason
    assert 'severity "urgent"' in _finding(world, sentence, severity="urgent").reason


def test_a_second_finding_on_the_same_facts_or_words_is_rejected(world):
    sentence = f"`{CUSTOMER}` is both central and large, so a change to it reaches most of the shop."
    first = _finding(world, sentence)
    again = _finding(world, sentence, earlier=[first])
    assert again.status == "rejected" and "same sentence" in again.reason


@pytest.mark.parametrize(
    "text, finish, reason",
    [
        ("", "stop", "the model returned no text"),
        ('{"facts": ["F7"], "severity": "hi', "length", "cut off at the token limit"),
        ("The monolith has one package.", "stop", "not JSON"),
        ("[1, 2]", "stop", "not a JSON object"),
        ("", "overflow: prompt needs 9000 tokens but only 2000 fit", "not asked: prompt needs 9000 tokens"),
    ],
)
def test_answers_that_are_no_json_object_are_rejected(world, text, finish, reason):
    sheet, reference = world
    item = items.check_finding(text, finish, _hotspot(sheet), sheet, reference, [])
    assert item.status == "rejected" and reason in item.reason


def _boundary(world, name, responsibility, taken=()):
    sheet, reference = world
    fact = next(f for f in sheet.facts if f.id.startswith("B") and "customer" in f.terms)
    answer = json.dumps({"boundary": fact.id, "name": name, "responsibility": responsibility})
    return fact, items.check_boundary(answer, "stop", fact, sheet, reference, taken)


RESPONSIBILITY = "Stores each customer and the orders placed, with the base model they share."


def test_a_boundary_name_is_drawn_from_its_domain_terms(world):
    fact, item = _boundary(world, ["customer", "order"], RESPONSIBILITY)
    assert item.accepted, item.reason
    assert item.get("name") == "Customer Order" and item.subject == fact.id


@pytest.mark.parametrize(
    "name, taken, reason",
    [
        (["customer", "invoice"], (), 'not among its domain terms: "invoice"'),
        (["customer", "customer"], (), "repeats a word"),
        (["customer", "order", "model", "models", "shop"], (), "has 5 words"),
        ([], (), "no name"),
        (["customer", "order"], ("Customer Order",), "already another boundary's"),
    ],
)
def test_bad_boundary_names_are_rejected(world, name, taken, reason):
    _, item = _boundary(world, name, RESPONSIBILITY, taken)
    assert item.status == "rejected" and reason in item.reason, item.reason


def test_a_boundary_answer_about_another_boundary_is_rejected(world):
    sheet, reference = world
    fact = next(f for f in sheet.facts if f.id.startswith("B") and "customer" in f.terms)
    answer = json.dumps({"boundary": "B9", "name": ["customer"], "responsibility": RESPONSIBILITY})
    item = items.check_boundary(answer, "stop", fact, sheet, reference, ())
    assert f"it answers for B9, not {fact.id}" in item.reason


def test_a_cycle_cut_must_be_an_edge_of_that_cycle(world):
    sheet, reference = world
    cycle = sheet.get("C1")
    assert cycle is not None and cycle.edges
    edge = items.cut_label(cycle.edges[0])
    good = json.dumps({"cycle": "C1", "cut": edge, "why": GOOD_WHY})
    assert items.check_cycle(good, "stop", cycle, sheet, reference, ()).accepted
    bad = json.dumps({"cycle": "C1", "cut": f"{CUSTOMER} -> src/shop/cli.py", "why": GOOD_WHY})
    assert "is not an edge of C1" in items.check_cycle(bad, "stop", cycle, sheet, reference, ()).reason
    again = items.check_cycle(good, "stop", cycle, sheet, reference, [GOOD_WHY])
    assert "the same sentence was given for another item" in again.reason


def test_a_wave_risk_may_name_only_its_own_boundaries(world):
    sheet, reference = world
    wave = sheet.get("W1")
    assert wave is not None
    own = wave.names[0]
    foreign = next(f.names[0] for f in sheet.facts if f.id.startswith("B") and f"`{f.names[0]}`" not in wave.text)
    good = json.dumps(
        {"wave": "W1", "risk": f"Every boundary that imports `{own}` breaks until its interface is ready."}
    )
    assert items.check_wave(good, "stop", wave, sheet, reference, ()).accepted
    bad = json.dumps(
        {"wave": "W1", "risk": f"Every boundary that imports `{foreign}` breaks until its interface is ready."}
    )
    item = items.check_wave(bad, "stop", wave, sheet, reference, ())
    assert f"it names `{foreign}`, which its facts do not mention" in item.reason


def test_schemas_hold_the_allowed_values_as_enums(world):
    sheet, _ = world
    hotspot = _hotspot(sheet)
    finding = items.finding_schema(hotspot, sheet)["properties"]
    assert finding["facts"]["items"]["enum"][0] == hotspot.id
    assert set(finding["facts"]["items"]["enum"]) == set(items.citable(hotspot, sheet))
    assert finding["severity"]["enum"] == ["high", "medium", "low"]
    boundary = next(f for f in sheet.facts if f.id.startswith("B"))
    name = items.boundary_schema(boundary)["properties"]["name"]
    assert name["items"]["enum"] == list(boundary.terms) and name["maxItems"] == 4
    cycle = sheet.get("C1")
    assert cycle is not None
    cut = items.cycle_schema(cycle)["properties"]["cut"]["enum"]
    assert cut == [f"{a} -> {b}" for a, b in cycle.edges]
    # the fields come in the order a model should write them: what it is about, then what it says
    assert list(items.cycle_schema(cycle)["properties"]) == ["cycle", "cut", "why"]
