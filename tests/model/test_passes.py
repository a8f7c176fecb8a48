"""Model-stage logic that needs no model: proposal validation, tail fitting, headings and diagrams.

The passes themselves run through real llama.cpp in the functional tests; here a
fake token counter (one token per word) isolates the fitting arithmetic.
"""

from __future__ import annotations

import json

import pytest

from analyzer.model import passes, proposal

FILES = ["app/a.py", "app/b.py", "core/c.py"]


def test_valid_proposal_is_kept():
    text = json.dumps(
        {
            "modules": [
                {"name": "app", "responsibility": "entry", "files": ["app/a.py", "app/b.py"], "depends_on": ["core"]},
                {"name": "core", "responsibility": "rules", "files": ["core/c.py"], "depends_on": []},
            ]
        }
    )
    result = proposal.validate_proposal(text, FILES)
    assert result["valid"] is True and result["problems"] == []
    assert [m["name"] for m in result["modules"]] == ["app", "core"]


@pytest.mark.parametrize(
    "modules, problem",
    [
        ([{"name": "a", "files": ["nope.py"], "depends_on": []}], "unknown file 'nope.py' dropped"),
        (
            [
                {"name": "a", "files": ["app/a.py"], "depends_on": []},
                {"name": "b", "files": ["app/a.py"], "depends_on": []},
            ],
            "file 'app/a.py' already in another module",
        ),
        (
            [
                {"name": "a", "files": ["app/a.py"], "depends_on": []},
                {"name": "a", "files": ["app/b.py"], "depends_on": []},
            ],
            "duplicate module name 'a' dropped",
        ),
        (
            [{"name": "a", "files": ["app/a.py"], "depends_on": ["ghost"]}],
            "a depends on unknown module 'ghost': dropped",
        ),
        (
            [
                {"name": "a", "files": ["app/a.py"], "depends_on": ["b"]},
                {"name": "b", "files": ["app/b.py"], "depends_on": ["a"]},
            ],
            "b -> a would close a cycle: dropped",
        ),
        (
            [{"name": "a", "files": ["app/a.py"], "depends_on": []}, {"name": "empty", "files": [], "depends_on": []}],
            "module 'empty' has no repository file: dropped",
        ),
    ],
)
def test_invalid_parts_of_a_proposal_are_dropped_and_named(modules, problem):
    result = proposal.validate_proposal(json.dumps({"modules": modules}), FILES)
    assert result["valid"] is False
    assert problem in result["problems"]


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"modules": 3}', '{"modul'])
def test_unusable_proposal_text(text):
    result = proposal.validate_proposal(text, FILES)
    assert result["valid"] is False and result["modules"] == []


def test_proposal_schema_limits_files_to_the_repository():
    schema = proposal.proposal_schema(FILES)
    item = schema["properties"]["modules"]["items"]
    assert item["properties"]["files"]["items"] == {"enum": FILES}
    assert set(item["required"]) == {"name", "responsibility", "files", "depends_on"}


def test_model_headings_nest_under_the_document_sections():
    assert passes.demote_headings("# A\ntext\n## B\n###### C") == "### A\ntext\n#### B\n###### C"


def test_model_drawn_diagrams_are_replaced():
    text = "before\n```mermaid\ngraph TD; A-->B\n```\nafter\n```MERMAID\nbroken"
    out = passes._strip_diagrams(text)
    assert "graph TD" not in out and "broken" not in out
    assert out.count("generated from the graph") == 2 and out.startswith("before") and "after" in out


class _WordCounter:
    """Counts one token per whitespace-separated word (no model needed for the arithmetic)."""

    def count_tokens(self, messages):
        return sum(len(m["content"].split()) for m in messages)

    def count_text(self, text):
        return len(text.split())


def test_fit_tail_shortens_at_paragraphs_until_the_pass_fits():
    gen = _WordCounter()
    text = "\n\n".join(f"paragraph {i} " + "word " * 20 for i in range(10))
    build = lambda t: [{"role": "user", "content": t}]
    assert passes._fit_tail(gen, 10_000, build, text) == text
    short = passes._fit_tail(gen, 60, build, text)
    assert gen.count_tokens(build(short)) <= 60
    assert short.startswith("paragraph 0") and short.endswith("[… shortened to fit the context window]")
    assert passes._fit_tail(gen, 3, build, text) == "[omitted: no room in the context window]"


def test_a_module_with_no_file_is_not_proposed():
    modules = [
        {"name": "app", "responsibility": "entry", "files": ["app/a.py"], "depends_on": ["ghost"]},
        {"name": "ghost", "responsibility": "nothing", "files": ["nope.py"], "depends_on": []},
        {"name": "core", "responsibility": "prices", "files": ["core/c.py"], "depends_on": []},
    ]
    result = proposal.validate_proposal(json.dumps({"modules": modules}), FILES)
    assert [m["name"] for m in result["modules"]] == ["app", "core"]
    assert "module 'ghost' has no repository file: dropped" in result["problems"]
    assert result["modules"][0]["depends_on"] == []


def test_a_responsibility_copied_from_the_prompt_and_a_lone_module_are_no_proposal():
    # SmolLM2-135M on Flask answered one module, "domain types and rules": the template's own example
    from analyzer.model.prompt import load_prompt, prompt_texts

    ours = prompt_texts(load_prompt("pro"))
    modules = [
        {"name": "flaisk-testing", "responsibility": "Domain types and rules.", "files": ["app/a.py"]},
        {"name": "core", "responsibility": "prices and their rules", "files": ["core/c.py"]},
        {"name": "app", "responsibility": "the web entry points", "files": ["app/b.py"]},
    ]
    kept = proposal.validate_proposal(json.dumps({"modules": modules}), FILES, ours)
    assert [m["name"] for m in kept["modules"]] == ["core", "app"]
    assert "module 'flaisk-testing' copies its responsibility from the prompt's example: dropped" in kept["problems"]
    lone = proposal.validate_proposal(json.dumps({"modules": modules[:2]}), FILES, ours)
    assert lone["modules"] == [] and "a single module is no decomposition: dropped" in lone["problems"]
