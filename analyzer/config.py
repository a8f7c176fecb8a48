"""Settings: one frozen dataclass, validated once, passed explicitly to every stage."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import ConfigError

#: someone else's code, skipped by name wherever it appears (even when it is a Python package)
VENDORED_DIRS: frozenset[str] = frozenset(
    {"node_modules", "vendor", "third_party", "third-party", "bower_components", "site-packages"}
)
#: tool caches and metadata: never source
TOOL_DIRS: frozenset[str] = frozenset(
    {
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".git",
        ".hg",
        ".svn",
        ".idea",
        ".vscode",
        ".gradle",
        ".next",
        ".nuxt",
        ".tox",
        ".nox",
        ".analyzer-cache",
    }
)
#: build outputs, skipped only when their build tool says so: folder name -> files beside it that
#: make it one ("*.x": any file with that suffix).  ``js`` marks are also honoured in any folder
#: above (a package.json anywhere up the tree: Ghost's core/core/built/ belongs to core/'s package).
#: A folder that ``.gitignore`` excludes, or that a tsconfig.json names as its ``outDir``, is one too.
BUILD_OUTPUT_MARKERS: dict[str, tuple[str, ...]] = {
    "target": ("pom.xml", "Cargo.toml", "build.sbt"),
    "build": (
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
        "CMakeLists.txt",
        "meson.build",
        "setup.py",
        "pyproject.toml",
        "package.json",
    ),
    "dist": ("package.json", "setup.py", "pyproject.toml", "setup.cfg"),
    "built": ("package.json",),
    "coverage": ("package.json",),
    "out": ("build.gradle", "build.gradle.kts"),
    "bin": ("*.csproj", "*.vbproj", "*.fsproj"),
    "obj": ("*.csproj", "*.vbproj", "*.fsproj"),
}
#: build outputs of JavaScript packages, recognised below any package.json
JS_BUILD_OUTPUTS: frozenset[str] = frozenset({"build", "dist", "built", "coverage"})
#: every folder name some default exclusion may skip (a virtualenv is any folder with a pyvenv.cfg)
DEFAULT_EXCLUDED_DIRS: frozenset[str] = (
    VENDORED_DIRS | TOOL_DIRS | frozenset(BUILD_OUTPUT_MARKERS) | {".venv", "venv", "env", "virtualenv"}
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
    #: apply .gitignore files: None = only inside a git work tree (as ripgrep and fd do),
    #: True = always (--ignore), False = never (--no-ignore)
    use_ignore_files: bool | None = None

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
