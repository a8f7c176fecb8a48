"""Static analysis: repository -> dependency graph and everything computed from it without a model.

One module per stage: ``discover`` (which files), ``parse`` (tree-sitter, with ``queries`` and the
per-language rules in ``languages/``), ``resolve`` (imports and references -> edges), ``churn``
(git history), ``graph`` and ``metrics`` (networkx analyses), ``boundaries`` (candidate services).
``parse_cache`` and ``run_cache`` store a stage's output under its input's key; ``result`` holds
what the subsystem hands on.  Importing this package loads neither tree-sitter nor networkx.
"""

from analyzer.static._codec import FORMAT as CACHE_FORMAT
from analyzer.static._codec import dumps, loads, paused_gc
from analyzer.static.parse_cache import ParseCache
from analyzer.static.result import StaticAnalysis, StaticResult
from analyzer.static.run_cache import RunCache, code_digest, run_key, source_digest

__all__ = [
    "CACHE_FORMAT",
    "ParseCache",
    "RunCache",
    "StaticAnalysis",
    "StaticResult",
    "code_digest",
    "dumps",
    "loads",
    "paused_gc",
    "run_key",
    "source_digest",
]
