"""Candidate boundaries against published service splits: ARI, SM, ICP, IFN, NED of three partitions.

Each app of ``bench/decomposition/*.json`` is a monolith whose split into services was published
(an expert's reference decomposition, or the services of the app's own microservice version); the
file holds the source (repository, commit, what is analyzed), where the split comes from, how its
files were mapped, and the split itself (file -> service).  For each app the analyzer's static pass
runs in this process (no model, no cache), and three partitions of the ground truth's files are
compared with it, side by side:

* ``package``: one service per directory (the naive split);
* ``louvain``: Louvain communities (networkx, seed 0) of the plain file graph, each file pair
  weighted by its number of uses of any kind (``EDGE_WEIGHT``): the baseline the plan must beat,
  computed here so that it does not move with the plan's own weighting;
* ``plan``: the migration plan's boundaries (``boundaries.decompose``).

Each is restricted to the files of the ground truth.  ARI is
:func:`analyzer.static.metrics.adjusted_rand_index` against the ground truth; SM / ICP / IFN / NED
(:func:`analyzer.static.graph.decomposition_metrics`, over the restricted partition) are those the
plan publishes.  ``tuned_on`` in each app's file says whether the boundary heuristics were tuned on
it; the others are held out.

Sources are not downloaded by this script: put a copy of each app's repository at the commit its
file names under ``bench/_work/decomp/<app>/`` (the file's ``source.analyzed`` says which folder is
analyzed), or pass ``--mirrors DIR`` holding bare git repositories as ``DIR/<owner>+<name>/repo``
and the script extracts the sources (.java, .cs) from them.

    .venv/bin/python bench/decomposition_bench.py [--only 7ep-demo] [--label after] [--mirrors DIR]

Writes ``bench/results/decomposition.json`` (one entry per label) and ``decomposition.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import _common as c

TRUTHS = c.BENCH / "decomposition"
SOURCES = c.WORK / "decomp"
PARTITIONS = ("package", "louvain", "plan")
#: folder analyzed inside the app's copy, when it is not the copy's root
ROOTS = {"partsunlimited": "src/Backend/OrderService"}
EXTENSIONS = (".java", ".cs")


def extract(app: str, meta: dict[str, Any], mirrors: Path) -> None:
    """Source files of the app's commit from a bare mirror into ``SOURCES/app``."""
    owner_name = meta["source"]["repo"].removeprefix("https://github.com/").replace("/", "+")
    git_dir = mirrors / owner_name / "repo"
    commit = meta["source"]["commit"]
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listing:
        if name.endswith(EXTENSIONS):
            dest = SOURCES / app / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            blob = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{commit}:{name}"], capture_output=True, check=True
            )
            dest.write_bytes(blob.stdout)


def louvain(graph: Any) -> dict[str, str]:
    """Louvain communities (seed 0) of the undirected file graph weighted by ``EDGE_WEIGHT``; files alone apart."""
    import networkx as nx

    from analyzer.domain import EDGE_WEIGHT, NODE_FILE, NODE_KIND

    files = sorted(n for n, kind in graph.nodes(data=NODE_KIND) if kind == NODE_FILE)
    undirected = nx.Graph()
    undirected.add_nodes_from(files)
    for s, d, data in sorted(graph.edges(data=True)):
        if s != d and s in undirected and d in undirected:
            old = undirected.get_edge_data(s, d, {"weight": 0})["weight"]
            undirected.add_edge(s, d, weight=old + int(data.get(EDGE_WEIGHT, 1)))
    groups = nx.community.louvain_communities(undirected, weight="weight", seed=0)
    return {f: f"#{min(g)}" for g in groups for f in g}


def partitions(root: Path, truth: dict[str, str]) -> tuple[dict[str, dict[str, str]], Any, dict[str, Any]]:
    """The three partitions of the ground truth's files, the graph, and facts about the run."""
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static
    from analyzer.static.boundaries import decompose, partition_of

    settings = Settings(root=root, use_cache=False, use_git_history=False).validate()
    static = analyze_static(settings)
    files = {p.path for p in static.parsed}
    missing = sorted(set(truth) - files)
    if missing:
        raise SystemExit(f"{root}: ground-truth files not analyzed: {missing[:5]}")
    community = louvain(static.graph)
    plan = partition_of(decompose(static).boundaries)
    chosen = {
        "package": {f: f.rpartition("/")[0] for f in truth},
        "louvain": {f: community[f] for f in truth},
        "plan": {f: plan[f] for f in truth},
    }
    facts = {
        "files": len(files),
        "edges": static.graph.number_of_edges(),
        "plan_boundaries": sorted(set(plan.values())),
    }
    return chosen, static.graph, facts


def measure_app(app: str, meta: dict[str, Any]) -> dict[str, Any]:
    from analyzer.static.graph import decomposition_metrics
    from analyzer.static.metrics import adjusted_rand_index

    truth: dict[str, str] = meta["services"]
    root = SOURCES / app / ROOTS.get(app, "")
    chosen, graph, facts = partitions(root, truth)
    result: dict[str, Any] = {
        "app": meta["app"],
        "language": meta["language"],
        "framework": meta["framework"],
        "tuned_on": meta["tuned_on"],
        "truth_files": len(truth),
        "services": len(set(truth.values())),
        **facts,
    }
    for name, partition in chosen.items():
        m = decomposition_metrics(graph, partition)
        result[name] = {
            "ari": round(adjusted_rand_index(truth, partition), 3),
            "groups": len(set(partition.values())),
            "sm": round(m.sm, 3),
            "icp": round(m.icp, 3),
            "ifn": round(m.ifn, 3),
            "ned": round(m.ned, 3),
        }
    truth_metrics = decomposition_metrics(graph, truth)
    result["truth"] = {
        "sm": round(truth_metrics.sm, 3),
        "icp": round(truth_metrics.icp, 3),
        "ifn": round(truth_metrics.ifn, 3),
        "ned": round(truth_metrics.ned, 3),
    }
    return result


def summary(apps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    mean = {p: round(statistics.fmean(a[p]["ari"] for a in apps.values()), 3) for p in PARTITIONS}
    best_baseline = {k: max(a["package"]["ari"], a["louvain"]["ari"]) for k, a in apps.items()}
    return {
        "mean_ari": mean,
        "plan_at_or_above_best_baseline": sorted(k for k, a in apps.items() if a["plan"]["ari"] >= best_baseline[k]),
        "plan_below_best_baseline": sorted(k for k, a in apps.items() if a["plan"]["ari"] < best_baseline[k]),
        "goal_mean_ari": 0.55,
        "goal_met": mean["plan"] >= 0.55 and all(a["plan"]["ari"] >= best_baseline[k] for k, a in apps.items()),
    }


def markdown(runs: dict[str, Any]) -> str:
    lines = []
    for label, run in runs.items():
        apps = run["apps"]
        lines.append(f"### {label}\n")
        rows = []
        for a in apps.values():
            cells = [f"{a['app']} ({a['framework']}){'' if a['tuned_on'] else ' *held out*'}", a["truth_files"]]
            cells.append(a["services"])
            for p in PARTITIONS:
                m = a[p]
                cells.append(f"{m['ari']:.2f} ({m['groups']})")
            for p in PARTITIONS:
                m = a[p]
                cells.append(f"{m['sm']:.2f} / {m['icp']:.2f} / {m['ifn']:.1f} / {m['ned']:.2f}")
            rows.append(cells)
        s = run["summary"]
        rows.append(["**mean ARI**", "", "", *(f"**{s['mean_ari'][p]:.2f}**" for p in PARTITIONS), "", "", ""])
        headers = ["app", "files", "services"]
        headers += [f"ARI {p} (groups)" for p in PARTITIONS]
        headers += [f"SM / ICP / IFN / NED {p}" for p in PARTITIONS]
        lines.append(c.md_table(headers, rows))
        lines.append(
            f"\nPlan at or above the best baseline on {len(s['plan_at_or_above_best_baseline'])} of {len(apps)} apps"
            f" (below on: {', '.join(s['plan_below_best_baseline']) or 'none'}); goal mean ARI >= 0.55 and at or"
            f" above the best baseline everywhere: {'met' if s['goal_met'] else 'missed'}.\n"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="app name (a file of bench/decomposition)")
    parser.add_argument("--label", default="after", help="key of this run in the results")
    parser.add_argument("--mirrors", type=Path, help="folder of bare git mirrors to extract missing sources from")
    args = parser.parse_args()
    metas = {p.stem: json.loads(p.read_text()) for p in sorted(TRUTHS.glob("*.json"))}
    if args.only:
        metas = {k: v for k, v in metas.items() if k in args.only}
    apps: dict[str, Any] = {}
    for app, meta in metas.items():
        if not (SOURCES / app).is_dir():
            if args.mirrors is None:
                raise SystemExit(f"{SOURCES / app} missing: copy {meta['source']['repo']} there, or pass --mirrors")
            extract(app, meta, args.mirrors)
        apps[app] = measure_app(app, meta)
        plan = apps[app]["plan"]
        print(
            f"{app}: ARI package {apps[app]['package']['ari']:.3f} louvain {apps[app]['louvain']['ari']:.3f}"
            f" plan {plan['ari']:.3f} ({plan['groups']} groups)",
            file=sys.stderr,
        )
    out = c.RESULTS / "decomposition.json"
    runs: dict[str, Any] = json.loads(out.read_text()).get("runs", {}) if out.exists() and not args.only else {}
    runs[args.label] = {"apps": apps, "summary": summary(apps)}
    if args.only:
        print(json.dumps(runs[args.label]["summary"], indent=1))
        return
    c.write_json("decomposition.json", {"machine": c.machine(), "runs": runs})
    c.write_text("decomposition.md", markdown(runs))


if __name__ == "__main__":
    main()
