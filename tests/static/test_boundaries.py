"""The migration plan recovers the intended decomposition of a fixture monolith.

``fixtures/python/bounded_contexts`` is an online store in one deployable:
four bounded contexts (catalog, ordering, billing, shipping), each with
models, repositories, services and an API module that mostly talk inside
their context; ordering and shipping call other contexts through their
services; ``common/`` (config, logging, db session, errors, money, ids,
events) is used by every context; ``app.py`` is the composition root.
``bounded_contexts.intended.json`` records the boundary each file is meant
to land in.  The real pipeline (tree-sitter, resolver, networkx Louvain,
plan) must agree with it by adjusted Rand index.
"""

from __future__ import annotations

import json

import pytest
from helpers import FIXTURES

from analyzer.config import Settings
from analyzer.documents.plan import plan_facts
from analyzer.pipeline import OutputRequest, StaticAnalysis, analyze_static, write_static_outputs
from analyzer.static import boundaries as plan
from analyzer.static.graph import analyze_graph
from analyzer.static.metrics import adjusted_rand_index

FIXTURE = FIXTURES / "python" / "bounded_contexts"
INTENDED = FIXTURE.parent / "bounded_contexts.intended.json"
#: partition agreement the plan must reach (1.0 = identical grouping)
MIN_ARI = 0.8


@pytest.fixture(scope="module")
def static() -> StaticAnalysis:
    return analyze_static(Settings(root=FIXTURE, use_cache=False, jobs=1, use_git_history=False))


@pytest.fixture(scope="module")
def intended() -> dict[str, str]:
    return json.loads(INTENDED.read_text(encoding="utf-8"))


def test_intended_labels_cover_exactly_the_analyzed_files(static, intended):
    assert sorted(intended) == sorted(p.path for p in static.parsed)
    assert set(intended.values()) == {"catalog", "ordering", "billing", "shipping", "shared", "app"}


def test_plan_boundaries_agree_with_intended_decomposition(static, intended):
    boundaries = plan_facts(static, "microservices").boundaries
    ari = adjusted_rand_index(plan.partition_of(boundaries), intended)
    shown = "\n".join(f"  {b.name}: {', '.join(b.files)}" for b in boundaries)
    assert ari >= MIN_ARI, f"adjusted Rand index {ari:.3f} < {MIN_ARI}; boundaries:\n{shown}"


def test_shared_kernel_holds_only_cross_cutting_code(static, intended):
    """Services called from other contexts are published interfaces, not cross-cutting code."""
    boundaries = {b.name: b.files for b in plan_facts(static, "microservices").boundaries}
    assert plan.SHARED in boundaries
    assert {intended[f] for f in boundaries[plan.SHARED]} == {"shared"}
    # every common file is in the kernel: a context's service that other contexts call (catalog's) is used
    # evenly too, but it depends on its own context, so its uses of common/ids.py count as a context's
    assert all(intended[f] != "shared" for name, files in boundaries.items() if name != plan.SHARED for f in files)


@pytest.mark.parametrize("seed", [1, 2, 3, 7])
def test_agreement_does_not_depend_on_the_louvain_seed(static, intended, seed):
    communities = [(c.name, c.files) for c in analyze_graph(static.graph, seed=seed).communities]
    raw = {f: name for name, files in communities for f in files}
    boundaries = plan.propose_boundaries(communities, static.resolution.dependencies)
    ari = adjusted_rand_index(plan.partition_of(boundaries), intended)
    assert ari >= MIN_ARI
    assert ari >= adjusted_rand_index(raw, intended)


def test_plan_json_has_boundaries_and_metrics(static, intended, tmp_path):
    out = tmp_path / "plan.json"
    written = write_static_outputs(static, OutputRequest(plan=out, no_llm=True, format="json"))
    assert written == [out]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["kind"] == "plan"
    boundaries = data["boundaries"]
    assert boundaries and all(set(b) == {"name", "files"} for b in boundaries)
    names = [b["name"] for b in boundaries]
    assert len(names) == len(set(names)) and all(isinstance(n, str) and n for n in names)
    files = [f for b in boundaries for f in b["files"]]
    assert sorted(files) == sorted(intended)  # every file exactly once
    assert all(not f.startswith("/") and "\\" not in f and not f.startswith("./") for f in files)
    metrics = data["metrics"]
    assert set(metrics) == {"SM", "ICP", "IFN", "NED"}
    assert all(isinstance(v, float | int) for v in metrics.values())
    assert -1.0 <= metrics["SM"] <= 1.0
    assert 0.0 < metrics["ICP"] < 1.0  # contexts talk to the shared kernel and to each other
    assert 0.0 < metrics["IFN"] <= len(files)
    assert 0.0 <= metrics["NED"] <= 1.0
    assert sorted(data["extraction_order"]) == sorted(names)
    partition = {f: b["name"] for b in boundaries for f in b["files"]}
    assert adjusted_rand_index(partition, intended) >= MIN_ARI
