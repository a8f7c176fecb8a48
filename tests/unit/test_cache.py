"""The on-disk parse cache: warm runs re-parse nothing, a change re-parses exactly that file,
corrupt or stale cache files are ignored and rewritten."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from analyzer import _cache, parse
from analyzer.config import Settings
from analyzer.discover import discover_files
from analyzer.domain import ParsedFile
from analyzer.queries import queries_fingerprint

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "python" / "monolith"


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


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x05garbage",
                                     pickle.dumps(["a", "list"]), pickle.dumps({"fingerprint": 3})])
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
    bogus = {k: ParsedFile(source=v.source, loc=999, symbols=(), imports=(), references=())
             for k, v in data["entries"].items()}
    path.write_bytes(pickle.dumps({"fingerprint": "1:0.0.0:other", "entries": bogus}))
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
