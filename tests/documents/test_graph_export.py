"""--graph exports (.graphml, .dot, .mmd) of a real analysis."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import fixture

from analyzer.config import Settings
from analyzer.documents.graph_export import FORMATS, export_graph
from analyzer.errors import ConfigError
from analyzer.pipeline import analyze_static


@pytest.fixture(scope="module")
def static():
    return analyze_static(Settings(root=fixture("python"), use_cache=False, use_git_history=False, jobs=1))


def _export(static, suffix: str) -> str:
    r = static.resolution
    return export_graph(suffix, static.parsed, r.dependencies, r.externals)


def test_graphml_is_xml_with_every_file_and_edge(static):
    root = ET.fromstring(_export(static, ".graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    ids = {n.get("id") for n in root.iterfind(".//g:node", ns)}
    assert {p.path for p in static.parsed} <= ids
    assert len(root.findall(".//g:edge", ns)) >= len(static.resolution.dependencies)


def test_dot_and_mermaid_name_every_file(static):
    for suffix in (".dot", ".mmd"):
        text = _export(static, suffix)
        assert all(p.path in text for p in static.parsed), suffix


def test_an_unknown_format_is_a_usage_error(static):
    assert ".graphml" in FORMATS
    with pytest.raises(ConfigError, match="unknown format"):
        _export(static, ".png")
