"""The gate on model text: each kind of failure withholds the text with a reason; sound text passes."""

from __future__ import annotations

import pytest

from analyzer.model import prompt
from analyzer.model.checks import Facts, KnownNames
from analyzer.model.gate import Reference, check_text

KNOWN = KnownNames.from_names(
    files=["shop/orders/service.py", "shop/billing/invoice.py", "shop/db.py"],
    symbols=["OrderService", "Invoice", "connect"],
)
FACTS = Facts.from_plain(
    file_count=3,
    loc=420,
    languages=[("python", 3)],
    cycles=[("shop/orders/service.py", "shop/billing/invoice.py")],
    edges=[
        ("shop/orders/service.py", "shop/billing/invoice.py"),
        ("shop/billing/invoice.py", "shop/orders/service.py"),
        ("shop/orders/service.py", "shop/db.py"),
    ],
    files=["shop/orders/service.py", "shop/billing/invoice.py", "shop/db.py"],
)
FACTS_TEXT = (
    "Files: 3 (python 3). Lines of code: 420. Dependency cycles: 1, between shop/orders/service.py and "
    "shop/billing/invoice.py. Most central file: shop/orders/service.py, imported by the web layer and the jobs."
)
REFERENCE = Reference(KNOWN, FACTS, prompt.prompt_texts(prompt.load_prompt("pro")), FACTS_TEXT)

SOUND = (
    "`shop/orders/service.py` and `shop/billing/invoice.py` import each other, so neither can move alone. "
    "Break the cycle first: let `Invoice` depend on an interface that `OrderService` implements. "
    "Then `shop/db.py` can become the only place that opens a connection through `connect`."
)
#: the loop the default model wrote into examples/ before the gate existed
LOOP = "\n\n".join(
    f"##### Step {n}\n\nYou wrote the final answer. You asked yourself what you can do better with `shop/db.py`."
    if n % 2
    else f"##### Step {n}\n\nThe next step was to write a complete, reproducible example of this architecture."
    for n in range(16, 22)
)


def _reasons(text: str, **kwargs) -> str:
    verdict = check_text(text, REFERENCE, **kwargs)
    assert not verdict.published and verdict.reasons, text
    return verdict.reason


def test_sound_text_is_published():
    verdict = check_text(SOUND, REFERENCE)
    assert verdict.published and verdict.reasons == () and verdict.reason == ""


def test_repeated_sentences_are_withheld():
    assert "it repeats itself (3 sentences up to 3 times)" in _reasons(LOOP)


def test_recurring_word_runs_are_withheld():
    text = " ".join(
        f"The module `shop/db.py` keeps the connection pool and the service uses it in step {n}" for n in range(8)
    )
    assert "it loops (" in _reasons(text)


def test_a_text_that_compresses_like_a_loop_is_withheld():
    text = f"{SOUND}\n\n" + "| ─ | ─ | ─ |\n" * 60  # no words to count: the size tells
    assert _reasons(text).startswith("it compresses to ")


def test_echo_of_the_prompt_is_withheld():
    text = SOUND + " Carry out Task step 3: write the final, production-ready answer. Start from the draft."
    assert "it echoes the prompt" in _reasons(text)
    assert "it echoes the prompt" in _reasons(SOUND + "\n\n(none: the automated checks found no problem)")


def test_a_copy_of_the_facts_block_is_withheld():
    assert "it copies the facts block" in _reasons(FACTS_TEXT)


@pytest.mark.parametrize(
    "talk",
    [
        "You've completed the task. Your answer is: split the code.",
        "The draft above misses the cycle.",
        "Here is my critique of the design.",
        "Carry out Task step 2 now.",
    ],
)
def test_talk_about_the_task_is_withheld(talk):
    assert "it talks about the task" in _reasons(SOUND + "\n\n" + talk)


def test_text_cut_at_the_token_limit_is_withheld():
    reason = _reasons(SOUND, finish_reason="length", max_tokens=160)
    assert reason == "it was cut off at the token limit (160 tokens)"


@pytest.mark.parametrize("heading", ["## Step 16", "### Final answer", "## The draft", "#### The goal:", "# Role"])
def test_headings_the_model_invented_are_withheld(heading):
    assert "it invents headings" in _reasons(f"{heading}\n\n{SOUND}")


def test_a_heading_of_its_own_topic_is_kept():
    assert check_text(f"## Breaking the cycle\n\n{SOUND}", REFERENCE).published


def test_claims_against_the_facts_are_checked_on_the_final_text():
    assert "it contradicts the computed facts" in _reasons(SOUND + " The repository has no dependency cycles.")


def test_mostly_unknown_names_are_withheld():
    text = "Move `core/engine.py`, `core/router.py` and `api/views.py` next to `shop/db.py`."
    assert "most names it uses are not in the repository (3 unknown, 1 found)" in _reasons(text)


def test_text_naming_nothing_of_the_repository_is_withheld():
    text = "Good architecture separates concerns. Keep modules small and dependencies pointing one way."
    assert _reasons(text) == "it names no file, module or symbol of the repository"
    assert check_text(text, REFERENCE, needs_names=False).published


def test_empty_text_is_withheld():
    assert _reasons("  \n") == "the model returned no text"


def test_diagrams_in_fences_do_not_count_as_repetition():
    fence = "```mermaid\nflowchart LR\n" + "  a --> b\n" * 30 + "```"
    assert check_text(f"{SOUND}\n\n{fence}", REFERENCE).published
