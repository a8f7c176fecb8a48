"""A bad rules file is refused with its line and what is wrong (RulesError, exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import RulesError
from analyzer.rules import load_rules

GOOD = '[[rule]]\nname = "r"\nkind = "forbidden"\nfrom = "a"\nto = "b"\n'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[rule]]\nname = "r"\nkind = [\n', 3, "not valid TOML"),
        ("version = 1\n", 1, "no rules"),
        (GOOD.replace("forbidden", "forbiden"), 3, "kind must be one of"),
        (GOOD.replace('to = "b"\n', ""), 1, "needs 'to'"),
        (GOOD + 'edges = ["imports"]\n', 6, "edges must be"),
        (GOOD + 'scope = "x"\n', 6, "unknown key 'scope'"),
        (GOOD + '\n[[rule]]\nname = "r"\nkind = "no-cycles"\nscope = "x"\n', 7, "used twice"),
        (GOOD + '\n[[rule.exception]]\nfrom = "a"\nto = "b"\n', 7, "needs a reason"),
        ('[[rule]]\nname = "r"\nkind = "layers"\nlayers = ["a"]\n', 4, "at least two"),
        (GOOD.replace('from = "a"', "from = [1]"), 4, "list of patterns"),
        ('[[rule]]\nname = "r"\nkind = "externals"\nscope = "a"\n', 1, "needs 'allow'"),
    ],
)
def test_a_bad_rules_file_names_its_line(tmp_path: Path, text: str, line: int, words: str):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert caught.value.line == line
    assert words in caught.value.detail
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert caught.value.exit_code == 2


def test_a_missing_rules_file(tmp_path: Path):
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nope.toml")


def test_a_good_file_loads_every_field(tmp_path: Path):
    path = tmp_path / "rules.toml"
    path.write_text(
        GOOD + 'edges = ["call", "import"]\n\n[[rule.exception]]\nfrom = "a/x.py"\nto = ["b/y.py"]\nreason = "legacy"\n'
    )
    (rule,) = load_rules(path).rules
    assert (rule.name, rule.kind, rule.line, rule.edges) == ("r", "forbidden", 1, ("import", "call"))
    (exception,) = rule.exceptions
    assert (exception.line, exception.reason) == (8, "legacy")
    assert exception.source.matches("a/x.py") and not exception.source.matches("a/y.py")
