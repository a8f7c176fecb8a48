"""Architecture rules: a rules file (TOML) checked against the dependency graph (``--check``).

``load`` reads and validates the file, ``check`` finds the violations over the static analysis'
edges (no graph library: a warm run stays fast), ``render`` writes them as table rows, JSON or
SARIF 2.1.0, and ``write`` turns the plan's boundaries into a rules file (``--rules-out``).
The rule types live in ``spec``; docs/rules.md describes the file format.
"""

from analyzer.rules.check import check_rules
from analyzer.rules.load import load_rules, parse_rules
from analyzer.rules.render import FORMATS, TABLE_COLUMNS, check_json, check_sarif, summary, table_rows
from analyzer.rules.spec import CheckResult, Rule, RuleSet, Violation
from analyzer.rules.write import plan_rules

__all__ = [
    "FORMATS",
    "TABLE_COLUMNS",
    "CheckResult",
    "Rule",
    "RuleSet",
    "Violation",
    "check_json",
    "check_rules",
    "check_sarif",
    "load_rules",
    "parse_rules",
    "plan_rules",
    "summary",
    "table_rows",
]
