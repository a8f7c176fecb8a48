"""Stop strings: generation ends as soon as the text contains one, in both adapters.

The llama.cpp adapter runs the tiny random-weight model, which cannot be steered to print a given
string, so its stop string is a piece of its own unstopped output.  The server adapter runs against
``fake_server.FakeServer``, which records the request and ignores ``stop`` (so the cut is local).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_server import FakeServer

from analyzer.model.generator import RuntimeOptions, StopScanner
from analyzer.model.llama import LlamaCppGenerator
from analyzer.model.openai_server import OpenAIServerGenerator
from analyzer.model.passes import MAP_STOPS, PROMPT_STOPS

ASK = [{"role": "system", "content": "You describe repositories."}, {"role": "user", "content": "what does a do?"}]


def _scan(pieces: list[str], stop: tuple[str, ...]) -> tuple[str, str, bool]:
    sent: list[str] = []
    scanner = StopScanner(stop, sent.append)
    for piece in pieces:
        if scanner.feed(piece):
            break
    text = scanner.finish()
    return text, "".join(sent), scanner.stopped


def test_scanner_cuts_before_a_stop_string_split_across_pieces() -> None:
    text, sent, stopped = _scan(["Intro.\n#", "# Ro", "le\nmore", " text"], ("\n## Role\n",))
    assert (text, sent, stopped) == ("Intro.", "Intro.", True)


def test_scanner_holds_back_only_what_could_start_a_stop_string() -> None:
    sent: list[str] = []
    scanner = StopScanner(("STOP",), sent.append)
    assert not scanner.feed("abcdef")
    assert "".join(sent) == "abc"  # "def" could still be the start of "STOP"
    assert not scanner.feed("ST")
    assert scanner.finish() == "abcdefST" and "".join(sent) == "abcdefST"


def test_scanner_without_stop_strings_passes_everything_on() -> None:
    assert _scan(["a", "b", "c"], ()) == ("abc", "abc", False)
    assert _scan(["a", "b", "c"], ("",)) == ("abc", "abc", False)


def test_scanner_takes_the_earliest_of_several_stop_strings() -> None:
    assert _scan(["one two three"], ("three", "two"))[0] == "one "


def test_pass_stop_strings_spare_an_answers_own_headings() -> None:
    answer = "Intro.\n\n## Tasks ahead\n\nText.\n\n## Overview\n\n### Role of `a`\n"
    assert _scan([answer], PROMPT_STOPS) == (answer, answer, False)
    assert _scan([answer + "\n## What to do now\nWrite"], PROMPT_STOPS)[0] == answer
    assert _scan(["notes\n## Components\n"], MAP_STOPS)[0] == "notes"


@pytest.fixture(scope="module")
def tiny(tiny_model_path: Path) -> Iterator[LlamaCppGenerator]:
    with LlamaCppGenerator(RuntimeOptions(model_path=tiny_model_path, n_ctx=512, threads=2)) as gen:
        yield gen


def test_llama_stops_at_a_piece_of_its_own_output(tiny: LlamaCppGenerator) -> None:
    free = tiny.generate(ASK, max_tokens=48)
    middle = free.text[len(free.text) // 3 :]
    words = [w for w in middle.split() if len(w) >= 2 and free.text.find(w) > 0]
    assert words, f"no usable piece in {free.text!r}"
    stop = words[0]
    pieces: list[str] = []
    stopped = tiny.generate(ASK, max_tokens=48, stop=[stop], on_token=pieces.append)
    assert stopped.text == free.text[: free.text.find(stop)]
    assert stopped.finish_reason == "stop"
    assert "".join(pieces) == stopped.text
    assert stopped.stats.generated_tokens < free.stats.generated_tokens


def test_server_body_carries_at_most_four_stop_strings() -> None:
    with FakeServer(answer="alpha beta gamma") as server, OpenAIServerGenerator(server.url) as gen:
        result = gen.generate(ASK, 16, stop=["s1", "s2", "s3", "s4", "s5"])
        plain = gen.generate(ASK, 16)
    first, second = server.chat_requests()
    assert first.body["stop"] == ["s1", "s2", "s3", "s4"]
    assert "stop" not in second.body
    assert result.text == plain.text == "alpha beta gamma"


def test_server_text_is_cut_locally_when_the_server_ignores_stop() -> None:
    pieces: list[str] = []
    with FakeServer(answer="The monolith has one package.\n## Role\nYou are") as server:
        with OpenAIServerGenerator(server.url) as gen:
            result = gen.generate(ASK, 64, stop=PROMPT_STOPS, on_token=pieces.append)
    assert server.chat_requests()[0].body["stop"] == list(PROMPT_STOPS[:4])
    assert result.text == "The monolith has one package." == "".join(pieces)
    assert result.finish_reason == "stop"
