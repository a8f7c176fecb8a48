"""Architecture-rules benchmark (issue 17): ``analyze django/ --check RULES`` cold vs warm.

On Django 5.2.8's package folder, with bench/check_rules_django.toml (every rule kind), each
repetition runs the whole command in a fresh measurement child (see ``_measure.py``; the wall
time includes interpreter start-up, imports, the static pass and the check) twice: cold (a
fresh, empty ``ANALYZER_CACHE``) then warm (the same cache: the stored run is reused, nothing is
parsed and no graph is built).  Goal: warm within 1 s on 2 cores.  Medians of ``--reps`` (default 5).

    .venv/bin/python bench/check_bench.py [--reps 5]

Writes bench/results/check.json and bench/results/check.md, prints the Markdown table.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import _common as c

RULES = Path(__file__).with_name("check_rules_django.toml")
GOAL_WARM_S = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    root = c.fetch_pip("django", "5.2.8") / "django"
    runs: dict[str, list[dict]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        for rep in range(args.reps):
            # PYTHONPATH: this checkout's analyzer, whichever environment runs the child
            env = {"ANALYZER_CACHE": str(Path(tmp) / f"cache-{rep}"), "PYTHONPATH": str(c.REPO)}
            out = Path(tmp) / "check.txt"
            command = ["cli-check", str(root), "--check", str(RULES), "--no-git", "--check-out", str(out)]
            for mode in ("cold", "warm"):
                runs[mode].append(c.measure(command, env=env))
            violations = out.read_text().strip().splitlines()[-1]
    cold = c.median([r["wall_s"] for r in runs["cold"]])
    warm = c.median([r["wall_s"] for r in runs["warm"]])
    data = {
        "machine": c.machine(),
        "project": "django 5.2.8 (django/ package)",
        "rules": RULES.name,
        "reps": args.reps,
        "cold_wall_s": cold,
        "warm_wall_s": warm,
        "goal_warm_s": GOAL_WARM_S,
        "goal_met": warm <= GOAL_WARM_S,
        "check_exit_code": runs["warm"][-1]["check_rc"],
        "summary": violations,
        "runs": runs,
    }
    c.write_json("check.json", data)
    table = c.md_table(
        ["project", "rules", "cold (no cache), s", "warm, s", f"goal: warm <= {GOAL_WARM_S} s"],
        [["Django 5.2.8 `django/`", RULES.name, cold, warm, "met" if data["goal_met"] else "missed"]],
    )
    text = f"{c.machine_line(data['machine'])}\n\n{table}\n\nMedian of {args.reps} runs each; {violations}\n"
    c.write_text("check.md", text)
    print(text)


if __name__ == "__main__":
    main()
