"""The pipeline wires the stages: a cold and a warm run give one result, the run cache sits after
discovery, and the static outputs are written only where asked."""

from __future__ import annotations

import shutil

from helpers import fixture

from analyzer.config import Settings
from analyzer.pipeline import OutputRequest, analyze_static, write_static_outputs


def test_a_warm_run_reuses_the_stored_result_and_builds_the_graph_only_on_demand(tmp_path):
    root = shutil.copytree(fixture("python"), tmp_path / "repo")
    settings = Settings(root=root, cache_dir=tmp_path / "cache", use_git_history=False, jobs=1).validate()
    cold = analyze_static(settings)
    warm = analyze_static(settings)
    assert warm.parsed == cold.parsed and warm.resolution == cold.resolution and warm.analysis == cold.analysis
    assert [name for name, _ in warm.timings] == ["discover", "parse", "resolve", "graph"]
    assert cold.built_graph is not None and warm.built_graph is None  # a warm run stored no graph object
    assert warm.graph.number_of_nodes() == cold.graph.number_of_nodes()


def test_static_outputs_are_written_only_where_asked(tmp_path):
    static = analyze_static(Settings(root=fixture("python"), use_cache=False, use_git_history=False, jobs=1))
    request = OutputRequest(json=tmp_path / "g.json", report=tmp_path / "r.md", no_llm=True)
    assert write_static_outputs(static, request) == [tmp_path / "g.json", tmp_path / "r.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.json", "r.md"]
    # without --no-llm the report is the model's to write
    assert write_static_outputs(static, OutputRequest(report=tmp_path / "m.md")) == []
