"""Measurement child: runs one workload, then reports its own and its children's peak RSS.

Usage (run by ``_common.measure`` in a fresh process, never imported by the benchmarks):

    python bench/_measure.py cli ARGS...        # the ``analyze`` entry point, in this process
    python bench/_measure.py parse ROOT JOBS    # raw tree-sitter parse loop over discovery's files
    python bench/_measure.py parse-query ROOT JOBS  # the same loop, also running the combined query
    python bench/_measure.py stages ROOT JOBS OUT.json  # the same pipeline via the library, timed by stage
    python bench/_measure.py static ROOT JOBS    # analyzer.pipeline.analyze_static alone (discover -> graph)

The report (JSON) goes to the file named by ``$BENCH_MEASURE_OUT``:

* ``self_maxrss_mb``: peak resident set of this process (the analyzer's main process);
* ``children_maxrss_mb``: the largest peak among the processes this one waited for
  (``getrusage(RUSAGE_CHILDREN)`` is a maximum, not a sum): the parse pool workers,
  which the pool joins before the run ends, and ``git`` when used;
* ``inner_wall_s``: wall time of the workload inside this process (no interpreter start).

Peaks count resident pages only, and a forked worker's pages shared with its parent
count in both; so ``max(self, children)`` bounds the largest single process and
``self + jobs * children`` bounds the sum over all processes alive together.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_PARSERS: dict[str, Any] = {}
_BATCH = 64  # same batch size as analyzer.static.parse


def _parse_chunk(root: str, items: list[tuple[str, str]], query: bool = False) -> tuple[int, int]:
    """Read and parse each (path, language); return (bytes, files). Nothing else is done,
    except, with ``query``, running the analyzer's combined query over the tree and
    dropping its matches (tree-sitter's own matching cost, no Python-side extraction)."""
    from tree_sitter import Parser, QueryCursor

    from analyzer.static.languages import ts_language
    from analyzer.static.queries import compiled_queries

    total = 0
    for path, lang in items:
        parser = _PARSERS.get(lang)
        if parser is None:
            parser = _PARSERS[lang] = Parser(ts_language(lang))
        data = Path(root, path).read_bytes()
        tree = parser.parse(data)
        if query:
            cursor = QueryCursor(compiled_queries(lang).combined)
            cursor.set_max_start_depth(1000)  # as analyzer.static.parse does
            cursor.matches(tree.root_node)
        total += len(data)
    return total, len(items)


def _cpu_s() -> float:
    """CPU seconds (user + system) used so far by this process and by its waited-for children
    (the pool workers count once the pool has joined them)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _parse_query_chunk(root: str, items: list[tuple[str, str]]) -> tuple[int, int]:
    return _parse_chunk(root, items, query=True)


def _raw_parse(root: str, jobs_arg: str, query: bool = False) -> dict[str, Any]:
    from analyzer.config import Settings
    from analyzer.static.discover import discover_files

    settings = Settings(root=Path(root), jobs=int(jobs_arg), use_git_history=False).validate()
    files = sorted(discover_files(settings).files, key=lambda f: f.path)
    items = [(f.path, f.language) for f in files]
    # the analyzer's own rule (parse.parse_files): min(jobs, files // batch), at least 1
    jobs = min(settings.effective_jobs, max(1, len(items) // _BATCH))
    batches = [items[i : i + _BATCH] for i in range(0, len(items), _BATCH)]
    t0, cpu0 = time.perf_counter(), _cpu_s()
    work = _parse_query_chunk if query else _parse_chunk
    if jobs <= 1:
        results = [work(root, b) for b in batches]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(work, [root] * len(batches), batches))
    wall, cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    return {
        "rc": 0,
        "files": sum(r[1] for r in results),
        "bytes": sum(r[0] for r in results),
        "jobs": jobs,
        "inner_wall_s": round(wall, 4),
        "inner_cpu_s": round(cpu, 4),
    }


def _cli(args: list[str]) -> dict[str, Any]:
    from analyzer.cli import main

    t0 = time.perf_counter()
    rc = main(args)
    return {"rc": rc, "inner_wall_s": round(time.perf_counter() - t0, 4)}


def _stages(root: str, jobs_arg: str, out_json: str) -> dict[str, Any]:
    """Library run of the same pipeline as ``analyze --no-llm --json``, with per-stage timings."""
    t0 = time.perf_counter()
    from analyzer import pipeline
    from analyzer.config import Settings

    t_import = time.perf_counter() - t0
    settings = Settings(root=Path(root), jobs=int(jobs_arg), output_paths=(Path(out_json),)).validate()
    static = pipeline.analyze_static(settings)
    t1 = time.perf_counter()
    pipeline.write_static_outputs(static, pipeline.OutputRequest(json=Path(out_json), no_llm=True))
    stages = {"import": round(t_import, 4), **dict(static.timings), "write_json": round(time.perf_counter() - t1, 4)}
    return {"rc": 0, "stages_s": stages, "inner_wall_s": round(time.perf_counter() - t0, 4)}


def _static(root: str, jobs_arg: str) -> dict[str, Any]:
    """The static pass alone, in process: ``inner_wall_s`` covers analyze_static only
    (no interpreter start-up, no imports, no output writing).  The pipeline loads the graph
    stage (networkx) lazily, on a cold run only: it is imported here, before the timer, like
    every other module the pass uses."""
    from analyzer import pipeline
    from analyzer.config import Settings
    from analyzer.static import graph  # noqa: F401  (imported for its import time, see above)

    settings = Settings(root=Path(root), jobs=int(jobs_arg)).validate()
    t0, cpu0 = time.perf_counter(), _cpu_s()
    static = pipeline.analyze_static(settings)
    wall, cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    return {
        "rc": 0,
        "files": len(static.parsed),
        "stages_s": dict(static.timings),
        "inner_wall_s": round(wall, 4),
        "inner_cpu_s": round(cpu, 4),
    }


def main() -> None:
    mode, rest = sys.argv[1], sys.argv[2:]
    if mode == "cli":
        report = _cli(rest)
    elif mode == "cli-check":  # analyze --check: exit 1 (violations found) is a successful run too
        report = _cli(rest)
        report.update(check_rc=report["rc"], rc=0 if report["rc"] in (0, 1) else report["rc"])
    elif mode == "stages":
        report = _stages(rest[0], rest[1], rest[2])
    elif mode == "static":
        report = _static(rest[0], rest[1] if len(rest) > 1 else "0")
    elif mode == "parse":
        report = _raw_parse(rest[0], rest[1] if len(rest) > 1 else "0")
    elif mode == "parse-query":
        report = _raw_parse(rest[0], rest[1] if len(rest) > 1 else "0", query=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report.update(self_maxrss_mb=round(own / 1024, 1), children_maxrss_mb=round(kids / 1024, 1), pid=os.getpid())
    Path(os.environ["BENCH_MEASURE_OUT"]).write_text(json.dumps(report))


if __name__ == "__main__":
    main()
