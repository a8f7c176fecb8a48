"""Grounding of model output against repository names, and fact checks of its claims."""

from __future__ import annotations

import pytest

from analyzer.model.checks import (
    MARK,
    Facts,
    KnownNames,
    check_claims,
    check_grounding,
    find_names,
    grounding_findings,
    mark_unknown,
    render_findings,
)

FILES = [
    "shop/__init__.py",
    "shop/orders/service.py",
    "shop/orders/models.py",
    "shop/billing/invoice.py",
    "shop/db.py",
    "web/app.ts",
    "web/api/client.ts",
]
KNOWN = KnownNames.from_names(
    files=FILES,
    symbols=["OrderService", "Invoice", "place_order", "connect", "ApiClient"],
    externals=["sqlalchemy", "express"],
)
FACTS = Facts.from_plain(
    file_count=7,
    loc=1480,
    languages=[("python", 5), ("typescript", 2)],
    cycles=[("shop/orders/service.py", "shop/billing/invoice.py")],
    edges=[
        ("shop/orders/service.py", "shop/billing/invoice.py"),
        ("shop/billing/invoice.py", "shop/orders/service.py"),
        ("shop/orders/service.py", "shop/db.py"),
        ("web/app.ts", "web/api/client.ts"),
    ],
    files=FILES,
)

MODEL_TEXT = """## Architecture overview

The codebase contains 7 files (about 1.5k lines of code) and is split into a Python backend and a TypeScript UI.
`OrderService` in `shop/orders/service.py` calls `place_order()` and persists through `shop.db.connect`.
Invoices are produced by `shop/billing/invoice.py` via `Invoice`, while the `PaymentGateway` class in
shop/payments/gateway.py handles card payments. The UI uses `ApiClient` and `express.Router`.

```mermaid
flowchart LR
  n0["shop/payments/gateway.py"] --> n1["`FakeThing`"]
```

Use `git log`, run `pip install -e .`, set `--jobs 4`, see https://example.com/docs.html, e.g. `None`.
"""


def test_find_names_sees_paths_modules_and_code_spans_but_not_fenced_code_or_noise() -> None:
    names = find_names(MODEL_TEXT)
    for expected in (
        "OrderService",
        "shop/orders/service.py",
        "place_order()",
        "shop.db.connect",
        "PaymentGateway",
        "shop/payments/gateway.py",
        "express.Router",
    ):
        assert expected in names, expected
    for noise in ("FakeThing", "git log", "pip install -e .", "--jobs 4", "None", "example.com", "e.g", "docs.html"):
        assert noise not in names, noise
    assert len(names) == len(set(names))


def test_check_grounding_splits_verified_and_unknown() -> None:
    grounding = check_grounding(MODEL_TEXT, KNOWN)
    assert grounding.unknown == ("PaymentGateway", "shop/payments/gateway.py")
    assert {
        "OrderService",
        "shop/orders/service.py",
        "place_order()",
        "shop.db.connect",
        "Invoice",
        "ApiClient",
        "express.Router",
    } <= set(grounding.verified)
    assert 0 < grounding.ratio < 1 and not grounding.is_grounded


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("shop/db.py", True),
        ("db.py", True),
        ("orders/models.py", True),
        ("shop.orders.models", True),
        ("orders.models", True),
        ("shop", True),
        ("shop/orders", True),
        ("shop.orders.service.OrderService", True),
        ("OrderService.place_order", True),
        ("sqlalchemy.orm.Session", True),
        ("web/api", True),
        ("shop/orders/views.py", False),
        ("shop.orders.views", False),
        ("OrderService.refund", False),
        ("requests.get", False),
        ("views.py", False),
    ],
)
def test_known_names_understand_paths_modules_and_qualified_symbols(name: str, known: bool) -> None:
    assert KNOWN.knows(name) is known


def test_mark_unknown_marks_every_occurrence_outside_fences_and_adds_a_legend() -> None:
    grounding = check_grounding(MODEL_TEXT, KNOWN)
    marked = mark_unknown(MODEL_TEXT, grounding)
    assert f"`PaymentGateway` {MARK}" in marked
    assert f"shop/payments/gateway.py {MARK}" in marked
    assert f"`OrderService` {MARK}" not in marked
    fence = marked[marked.index("```mermaid") : marked.index("```", marked.index("```mermaid") + 3)]
    assert MARK not in fence and fence in MODEL_TEXT
    assert marked.rstrip().endswith("`PaymentGateway`, `shop/payments/gateway.py`")
    assert marked.count(MARK) == 3  # two marks + the legend
    assert mark_unknown(MODEL_TEXT, check_grounding("`OrderService`", KNOWN)) == MODEL_TEXT


def test_grounded_text_has_no_findings_about_its_claims() -> None:
    assert check_claims(MODEL_TEXT, FACTS) == ()


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Good news: there are no circular dependencies in the project.", "cycles"),
        ("The dependency graph is acyclic, which keeps builds simple.", "cycles"),
        ("The repository has three import cycles that must be broken first.", "cycles"),
        ("`shop/db.py` and `web/app.ts` form a cycle.", "cycles"),
        ("The repository consists of 12 source files.", "file-count"),
        ("In total the project has 3 Python files.", "file-count"),
        ("Overall the codebase is roughly 9,000 lines of code.", "loc"),
        ("The service is written entirely in Python.", "language"),
        ("The repository is written in Java.", "language"),
        ("`shop/db.py` imports `shop/orders/models.py`.", "edge"),
        ("`web/app.ts` does not import `web/api/client.ts`.", "edge"),
        ("`shop/db.py` is imported by `shop/orders/service.py` and `web/app.ts`.", "edge"),
    ],
)
def test_check_claims_flags_contradictions(sentence: str, kind: str) -> None:
    findings = check_claims(f"## Findings\n\n{sentence}\n", FACTS)
    assert [f.kind for f in findings] == [kind]
    rendered = render_findings(findings)
    assert rendered.startswith(f"- [{kind}] The text says") and "but" in rendered


@pytest.mark.parametrize(
    "sentence",
    [
        "There is one dependency cycle: `shop/orders/service.py` and `shop/billing/invoice.py` import each other.",
        "The repository has 7 files; 5 Python files and 2 TypeScript files.",
        "The project totals about 1.5k lines of code.",
        "`shop/orders/service.py` imports `shop/db.py` and `shop/billing/invoice.py`.",
        "`shop/db.py` does not import `web/app.ts`.",
        "`shop/db.py` is imported by `shop/orders/service.py`.",
        "3 files in the `shop` package depend on the database.",
        "The largest function has 400 lines of code in the repository.",
        "After the migration there will be no cycle between `shop/db.py` and `web/app.ts`.",
        "```mermaid\nflowchart LR\n  a --> b\n```\nThere are 2 mermaid nodes.",
    ],
)
def test_check_claims_accepts_true_or_unrelated_statements(sentence: str) -> None:
    assert check_claims(sentence, FACTS) == ()


def test_claims_inside_code_fences_are_ignored() -> None:
    text = "```text\nThere are no cycles. The repository has 99 files.\n```\n"
    assert check_claims(text, FACTS) == ()


def test_grounding_findings_feed_the_critique() -> None:
    findings = grounding_findings(check_grounding(MODEL_TEXT, KNOWN))
    rendered = render_findings(findings)
    assert rendered.splitlines() == [
        '- [unknown-name] The text says "`PaymentGateway`", but no file, module or symbol has that name '
        "in the repository.",
        '- [unknown-name] The text says "`shop/payments/gateway.py`", but no file, module or symbol has that '
        "name in the repository.",
    ]
    assert render_findings(()) == ""


def test_markdown_italics_closing_after_a_word_is_no_dotted_name():
    # "_... in the repository._" (our own withheld line, or a model's italics) named 'repository._'
    assert find_names("_The model's text was withheld: it names nothing in the repository._") == ()
    assert set(find_names("see shop.models.order and os.path.")) == {"os.path", "shop.models.order"}
