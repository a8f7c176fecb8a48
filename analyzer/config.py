"""Settings: one frozen dataclass, validated once, passed explicitly to every stage."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import ConfigError

#: directories skipped by default, wherever they appear (vendored / generated / tooling);
#: ``built`` is a build output too (Ghost's ``core/built/admin`` bundles, TypeScript's ``built/local``)
DEFAULT_EXCLUDED_DIRS: frozenset[str] = frozenset(
    {
        "node_modules",
        "vendor",
        "third_party",
        "third-party",
        "bower_components",
        ".venv",
        "venv",
        "env",
        ".env",
        "virtualenv",
        ".tox",
        ".nox",
        "site-packages",
        "dist",
        "build",
        "built",
        "out",
        "target",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".git",
        ".hg",
        ".svn",
        ".idea",
        ".vscode",
        ".gradle",
        ".next",
        ".nuxt",
        "coverage",
        ".analyzer-cache",
    }
)


def default_home() -> Path:
    """Where the analyzer keeps models and caches (``ANALYZER_HOME`` overrides)."""
    env = os.environ.get("ANALYZER_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "analyzer"


def default_cache_dir() -> Path:
    """Per-file parse cache and KV state cache (``ANALYZER_CACHE`` overrides)."""
    env = os.environ.get("ANALYZER_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "analyzer"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run needs to know, validated once in :meth:`validate`."""

    root: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    use_default_excludes: bool = True
    max_file_bytes: int = 2_000_000
    jobs: int = 0  # 0 = all cores
    use_cache: bool = True
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_git_history: bool = True
    #: extra output paths that must never be analyzed (the report itself)
    output_paths: tuple[Path, ...] = ()

    def validate(self) -> Settings:
        """Return self when consistent, else raise ConfigError."""
        if self.max_file_bytes <= 0:
            raise ConfigError("--max-file-bytes must be positive")
        if self.jobs < 0:
            raise ConfigError("--jobs must be >= 0")
        return self

    @property
    def effective_jobs(self) -> int:
        return self.jobs or (os.cpu_count() or 1)
