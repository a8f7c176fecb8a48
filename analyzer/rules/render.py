"""A check's result as text: table rows (the CLI draws them), JSON, and SARIF 2.1.0.

SARIF is what code-scanning services (GitHub, GitLab, Azure DevOps) and editors (the VS Code SARIF
viewer) read: one ``result`` per violation, located at the source file and line of its first edge,
with the rest of the chain as related locations and a code flow.
"""

from __future__ import annotations

import json

from analyzer.rules.spec import CheckResult, Violation

FORMATS = ("table", "json", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TABLE_COLUMNS = ("file:line", "target", "edge", "rule", "chain")


def table_rows(result: CheckResult) -> list[tuple[str, ...]]:
    """One row per violation, in the order of :data:`TABLE_COLUMNS`."""
    return [
        (f"{v.source}:{v.line}", v.target, v.edge, v.rule, " -> ".join(v.chain) if len(v.chain) > 2 else "")
        for v in result.violations
    ]


def summary(result: CheckResult) -> str:
    """One line: how many rules, violations and tolerated exceptions."""
    rules = len(result.rules.rules)
    listed = result.rules.exception_count
    line = (
        f"{len(result.violations)} violation(s) of {rules} rule(s) in {result.rules.path}; "
        f"{listed} known exception(s) listed, {result.excused} crossing(s) tolerated by them"
    )
    if result.stale:
        line += (
            f", {len(result.stale)} exception(s) no longer needed (lines {', '.join(str(n) for _, n in result.stale)})"
        )
    return line


def check_json(result: CheckResult) -> str:
    """The result as JSON (sorted keys, one trailing newline)."""
    data = {
        "rules_file": result.rules.path,
        "ok": result.is_ok,
        "rules": [
            {"name": r.name, "kind": r.kind, "line": r.line, "exceptions": len(r.exceptions)}
            for r in result.rules.rules
        ],
        "violations": [_violation_json(v) for v in result.violations],
        "exceptions": {
            "listed": result.rules.exception_count,
            "tolerated": result.excused,
            "stale": [{"rule": name, "line": line} for name, line in result.stale],
        },
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def check_sarif(result: CheckResult, version: str) -> str:
    """The result as a SARIF 2.1.0 log with one run."""
    rules = result.rules.rules
    index = {r.name: i for i, r in enumerate(rules)}
    driver = {
        "name": "analyzer",
        "version": version,
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": f"{r.kind} rule {r.name!r}"},
                "properties": {"kind": r.kind, "exceptions": len(r.exceptions)},
            }
            for r in rules
        ],
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"SRCROOT": {"description": {"text": "the analyzed repository's root"}}},
                "results": [_sarif_result(v, rules[index[v.rule]].id, index[v.rule]) for v in result.violations],
                "properties": {"exceptionsListed": result.rules.exception_count, "exceptionsTolerated": result.excused},
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _violation_json(v: Violation) -> dict[str, object]:
    return {
        "rule": v.rule,
        "kind": v.kind,
        "file": v.source,
        "line": v.line,
        "target": v.target,
        "edge": v.edge,
        "chain": list(v.chain),
        "message": v.message,
    }


def _location(path: str, line: int, message: str = "") -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": path, "uriBaseId": "SRCROOT"}}
    if line > 0:
        physical["region"] = {"startLine": line}
    location: dict[str, object] = {"physicalLocation": physical}
    if message:
        location["message"] = {"text": message}
    return location


def _sarif_result(v: Violation, rule_id: str, rule_index: int) -> dict[str, object]:
    files = v.chain[:-1] if v.kind == "externals" else v.chain
    out: dict[str, object] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "level": "error",
        "kind": "fail",
        "message": {"text": v.message},
        "locations": [_location(v.source, v.line)],
        "partialFingerprints": {"edge/v1": f"{v.rule}|{v.source}|{v.target}|{v.edge}"},
    }
    if len(files) > 1:
        steps = [{"location": _location(f, v.line if i == 0 else 0, f"step {i + 1}")} for i, f in enumerate(files)]
        out["relatedLocations"] = [dict(s["location"], id=i) for i, s in enumerate(steps)]
        out["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    return out
