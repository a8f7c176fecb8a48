"""The on-disk parse cache: warm runs re-parse nothing, a change re-parses exactly that file,
corrupt or stale cache files are ignored and rewritten."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES

from analyzer import static as _cache
from analyzer.config import Settings
from analyzer.domain import ParsedFile
from analyzer.static import parse
from analyzer.static.discover import discover_files
from analyzer.static.queries import queries_fingerprint

FIXTURE = FIXTURES / "python" / "monolith"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "repo"))


@pytest.fixture
def settings(tree: Path, tmp_path: Path) -> Settings:
    return Settings(root=tree, jobs=1, cache_dir=tmp_path / "cache").validate()


@pytest.fixture
def parsed_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path handed to the real parse_batch (jobs=1 keeps it in this process)."""
    seen: list[str] = []
    real = parse.parse_batch

    def counting(root: str, files: list) -> list[ParsedFile]:
        seen.extend(f.path for f in files)
        return real(root, files)

    monkeypatch.setattr(parse, "parse_batch", counting)
    return seen


def _run(settings: Settings) -> tuple[ParsedFile, ...]:
    return parse.parse_files(discover_files(settings).files, settings)


def _cache_file(settings: Settings) -> Path:
    return _cache.ParseCache.open(settings, queries_fingerprint()).path


def test_warm_run_returns_identical_values_and_parses_nothing(settings, parsed_paths):
    cold = _run(settings)
    assert sorted(parsed_paths) == [p.path for p in cold] and len(cold) == 14
    parsed_paths.clear()
    warm = _run(settings)
    assert parsed_paths == []
    assert warm == cold


def test_one_changed_file_is_reparsed_alone(settings, tree, parsed_paths):
    cold = _run(settings)
    target = tree / "src" / "shop" / "config.py"
    target.write_text(target.read_text() + "\nclass Added:\n    pass\n")
    parsed_paths.clear()
    warm = _run(settings)
    assert parsed_paths == ["src/shop/config.py"]
    changed = {p.path: p for p in warm}["src/shop/config.py"]
    assert "Added" in {s.name for s in changed.symbols}
    assert [p for p in warm if p.path != changed.path] == [p for p in cold if p.path != changed.path]


def test_no_cache_setting_neither_reads_nor_writes(settings, parsed_paths):
    uncached = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_cache=False)
    _run(uncached)
    _run(uncached)
    assert len(parsed_paths) == 28
    assert not settings.cache_dir.exists()


@pytest.mark.parametrize(
    "garbage", [b"", b"not a pickle", b"\x80\x05garbage", pickle.dumps(["a", "list"]), pickle.dumps({"fingerprint": 3})]
)
def test_corrupt_cache_file_is_ignored_and_rewritten(settings, parsed_paths, garbage):
    cold = _run(settings)
    path = _cache_file(settings)
    path.write_bytes(garbage)
    parsed_paths.clear()
    again = _run(settings)
    assert again == cold and len(parsed_paths) == len(cold)
    data = pickle.loads(path.read_bytes())
    assert sorted(data["entries"]) == [p.path for p in cold]
    parsed_paths.clear()
    assert _run(settings) == cold and parsed_paths == []


def test_stale_fingerprint_is_ignored(settings, parsed_paths):
    cold = _run(settings)
    path = _cache_file(settings)
    data = pickle.loads(path.read_bytes())
    # same keys and sources, but bogus results under another query fingerprint
    bogus = [ParsedFile(source=p.source, loc=999, symbols=(), imports=(), references=()) for p in cold]
    entries = {p.path: (p.source.language, p.source.size, p.source.digest, 0, i) for i, p in enumerate(cold)}
    path.write_bytes(
        pickle.dumps(
            {"fingerprint": "2:0.0.0:other", "entries": entries, "blobs": [pickle.dumps(bogus)], "counts": [len(bogus)]}
        )
    )
    parsed_paths.clear()
    again = _run(settings)
    assert again == cold and len(parsed_paths) == len(cold)
    assert pickle.loads(path.read_bytes())["fingerprint"] == data["fingerprint"]


def test_unwritable_cache_dir_does_not_fail_the_run(settings, tmp_path, parsed_paths):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    blocked = Settings(root=settings.root, jobs=1, cache_dir=blocker / "cache")
    first = _run(blocked)
    assert len(first) == 14 and not (blocker / "cache").exists()
    assert not list(tmp_path.glob("**/*.tmp"))


# --- blobs as the workers pickled them ------------------------------------------------


def test_worker_blobs_are_stored_as_is_and_a_change_keeps_the_other_blobs(tree, tmp_path):
    settings = Settings(root=tree, jobs=2, cache_dir=tmp_path / "cache").validate()
    files = discover_files(settings).files
    cold = parse.parse_files(files, settings)
    data = pickle.loads(_cache_file(settings).read_bytes())
    assert len(data["blobs"]) == len(data["counts"]) == 1 and data["counts"] == [14]
    assert [p.path for p in _cache.loads(data["blobs"][0])] == [p.path for p in cold]
    target = tree / "src" / "shop" / "config.py"
    target.write_text(target.read_text() + "\nclass Added:\n    pass\n")
    warm = parse.parse_files(discover_files(settings).files, settings)
    again = pickle.loads(_cache_file(settings).read_bytes())
    assert again["blobs"][0] == data["blobs"][0] and len(again["blobs"]) == 2
    assert again["entries"]["src/shop/config.py"][3:] == (1, 0)
    assert "Added" in {s.name for p in warm if p.path == "src/shop/config.py" for s in p.symbols}


def test_fast_pickling_round_trips_domain_values(settings):
    cold = _run(settings)
    blob = _cache.dumps(cold)
    assert pickle.loads(blob) == cold and _cache.loads(blob) == cold
    assert len(blob) < len(pickle.dumps(cold, protocol=pickle.HIGHEST_PROTOCOL))


# --- discovery's stat index -------------------------------------------------------------


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust every stat taken before the index was written (the real window is 2 s: files
    changed that close to the last run are always re-hashed, whatever their stat says)."""
    monkeypatch.setattr("analyzer.static._stat_index._RACY_NS", 0)


def test_unchanged_files_are_not_read_again(settings, tree, monkeypatch, no_racy_window):
    first = discover_files(settings)
    reads: list[str] = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        if str(file).endswith(".py"):
            reads.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    second = discover_files(settings)
    assert second == first and reads == []
    target = tree / "src" / "shop" / "config.py"
    target.write_text(target.read_text() + "\n# same size? no: a comment more\n")
    third = discover_files(settings)
    assert reads == [str(target)]
    changed = {f.path: f for f in third.files}["src/shop/config.py"]
    assert changed.digest == hashlib.sha256(target.read_bytes()).hexdigest()
    assert [f for f in third.files if f.path != changed.path] == [f for f in first.files if f.path != changed.path]


def test_same_size_same_mtime_rewrite_is_caught_by_ctime(settings, tree, no_racy_window):
    import os

    discover_files(settings)
    target = tree / "src" / "shop" / "config.py"
    st = target.stat()
    text = target.read_bytes()
    assert b"a" in text
    target.write_bytes(text.replace(b"a", b"b", 1))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: ctime differs
    found = {f.path: f for f in discover_files(settings).files}["src/shop/config.py"]
    assert found.digest == hashlib.sha256(target.read_bytes()).hexdigest()


@pytest.mark.parametrize("garbage", [b"", b"junk", pickle.dumps({"format": _cache.CACHE_FORMAT, "entries": [1]})])
def test_corrupt_stat_index_is_ignored(settings, tree, garbage):
    first = discover_files(settings)
    [index] = (settings.cache_dir / "stat").glob("*.pkl")
    index.write_bytes(garbage)
    assert discover_files(settings) == first
    assert pickle.loads(index.read_bytes())["format"] == _cache.CACHE_FORMAT


# --- whole-run cache --------------------------------------------------------------------


def _static(settings: Settings):
    from analyzer import pipeline

    return pipeline.analyze_static(settings)


def _run_file(settings: Settings) -> Path:
    [path] = (settings.cache_dir / "run").glob("*.pkl")
    return path


def test_warm_static_pass_reuses_the_run_and_matches_the_cold_one(settings, monkeypatch):
    from analyzer import pipeline

    settings = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_git_history=False)
    cold = _static(settings)
    assert all(p.references == () and p.imports == () for p in cold.parsed)  # resolution holds them
    assert sum(len(p.symbols) for p in cold.parsed) > 20
    monkeypatch.setattr(pipeline, "parse_files", lambda *a: pytest.fail("parsed again"))
    monkeypatch.setattr(pipeline, "resolve_dependencies", lambda *a: pytest.fail("resolved again"))
    from analyzer.static import graph

    monkeypatch.setattr(graph, "analyze_graph", lambda *a, **k: pytest.fail("analyzed again"))
    warm = _static(settings)
    for name in ("discovery", "parsed", "resolution", "analysis", "churn", "diagnostics"):
        assert getattr(warm, name) == getattr(cold, name), name
    assert warm.built_graph is None  # built only when an output needs it
    assert sorted(warm.graph.edges(data=True)) == sorted(cold.graph.edges(data=True))
    assert dict(warm.graph.nodes(data=True)) == dict(cold.graph.nodes(data=True))


def test_a_changed_file_or_config_invalidates_the_run(settings, tree):
    settings = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_git_history=False)
    cold = _static(settings)
    key = pickle.loads(_run_file(settings).read_bytes())[1]
    target = tree / "src" / "shop" / "config.py"
    target.write_text(target.read_text() + "\nimport shop.models\n")
    changed = _static(settings)
    assert pickle.loads(_run_file(settings).read_bytes())[1] != key
    assert changed.resolution != cold.resolution
    fresh = _static(Settings(root=settings.root, jobs=1, use_cache=False, use_git_history=False))
    assert changed.resolution == fresh.resolution and changed.analysis == fresh.analysis


@pytest.mark.parametrize("garbage", [b"", b"junk", pickle.dumps((2, "wrong key", None)), pickle.dumps(("x", "y"))])
def test_corrupt_or_stale_run_cache_is_recomputed(settings, garbage):
    settings = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_git_history=False)
    cold = _static(settings)
    path = _run_file(settings)
    good = path.read_bytes()
    path.write_bytes(garbage)
    again = _static(settings)
    assert again.resolution == cold.resolution and again.analysis == cold.analysis
    assert path.read_bytes() == good


def test_every_long_step_reports_progress_cold_and_warm(settings):
    """Cold: discover, parse, resolve and graph each end at done == total; warm: parse is one jump."""
    from analyzer import pipeline

    settings = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_git_history=False)
    for expected in (["discover", "parse", "resolve", "graph"], ["discover", "parse"]):
        seen: list[tuple[str, int, int]] = []
        static = pipeline.analyze_static(settings, lambda stage, done, total: seen.append((stage, done, total)))
        n = len(static.parsed)
        assert list(dict.fromkeys(stage for stage, _, _ in seen)) == expected
        for stage in expected[1:]:
            assert [s for s in seen if s[0] == stage][-1] == (stage, n, n)


def test_another_analyzer_build_reuses_nothing(settings, parsed_paths, monkeypatch):
    """A change to the analyzer's code (same version number) invalidates both caches."""
    settings = Settings(root=settings.root, jobs=1, cache_dir=settings.cache_dir, use_git_history=False)
    cold = _static(settings)
    parsed_paths.clear()
    assert _static(settings).parsed == cold.parsed and parsed_paths == []
    monkeypatch.setattr("analyzer.static.run_cache.code_digest", lambda: "0.1.0+another-build")
    again = _static(settings)
    assert sorted(parsed_paths) == [p.path for p in cold.parsed]
    assert again.resolution == cold.resolution and again.analysis == cold.analysis


def test_code_digest_changes_with_any_python_file(tmp_path):
    from analyzer import __version__

    assert _cache.code_digest() == f"{__version__}+{_cache.source_digest(Path(_cache.__file__).parent.parent)}"
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    first = _cache.source_digest(tmp_path)
    (tmp_path / "notes.txt").write_text("not code")
    assert _cache.source_digest(tmp_path) == first
    (tmp_path / "sub" / "b.py").write_text("y = 3\n")
    assert _cache.source_digest(tmp_path) != first


_RUN_KEY_SCRIPT = """
import sys
from pathlib import Path
from analyzer import static as _cache
from analyzer.config import Settings
from analyzer.static.discover import discover_files
from analyzer.static.queries import queries_fingerprint
settings = Settings(root=Path(sys.argv[1]), use_git_history=False).validate()
print(_cache.run_key(settings, discover_files(settings).files, queries_fingerprint()))
"""


def test_run_key_is_the_same_in_every_process(tmp_path):
    """The key must not depend on string hashing: a set in a language's configuration (the JSON
    files JavaScript modules can name) once came out in another order in every other process, and
    warm runs missed their stored result (bench/static_bench.py: 3 of 5 warm runs re-analyzed)."""
    import os
    import subprocess
    import sys

    root = tmp_path / "app"
    root.mkdir()
    (root / "index.js").write_text("const d = require('./defaults');\n")
    for name in ("defaults", "overrides", "locale", "routes", "theme", "limits", "mail", "urls"):
        (root / f"{name}.json").write_text("{}\n")
    keys = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", _RUN_KEY_SCRIPT, str(root)], env=env, capture_output=True, text=True, check=True
        )
        keys.add(out.stdout.strip())
    assert len(keys) == 1 and len(next(iter(keys))) == 64
