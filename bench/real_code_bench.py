"""Real-code check: the analyzer on released projects in every language family (Debian's archive, npm, PyPI).

For each project: files, LOC, edges by kind, unresolved imports by reason, and external packages
(standard library / third-party), from ``analyze --no-llm --json`` (cache off, default settings).
It measures what resolution leaves unexplained on code nobody wrote for this tool; the reasons
for what is left are discussed in the README.  Sources come from the Debian archive (bookworm):
``-dev`` packages that ship sources (Go, Rust, Ruby, PHP) and upstream ``.orig`` tarballs (Java,
C, C++, C#), fetched over HTTP from deb.debian.org into ``bench/_work/`` and extracted in Python (no
dpkg needed).  JavaScript and TypeScript come from npm (``npm:NAME@VERSION``, fetched with
``npm pack``): packages that ship their sources, analyzed at the tarball's ``package/`` root;
Python from PyPI (``pypi:NAME==VERSION``, sdists fetched with ``pip download``), at the sdist root.
Versions are pinned: a file the archive has since replaced fails with its URL.

    .venv/bin/python bench/real_code_bench.py [--only tokio,guava]

Writes ``bench/results/real_code.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import _common as c

POOL = "http://deb.debian.org/debian/pool/main/"
NPM = "npm:"
PYPI = "pypi:"
#: name -> (language family, archive path under POOL, ``npm:NAME@VERSION`` or ``pypi:NAME==VERSION``,
#: directory to analyze inside the extracted archive; for npm, inside its ``package/`` folder)
PROJECTS: dict[str, tuple[str, str, str]] = {
    "ansible-core": ("Python", "pypi:ansible_core==2.17.7", ""),
    "pip": ("Python", "pypi:pip==24.3.1", ""),
    "sqlalchemy": ("Python", "pypi:sqlalchemy==2.0.36", ""),
    "pydantic": ("Python", "pypi:pydantic==2.10.3", ""),
    "attrs": ("Python", "pypi:attrs==24.2.0", ""),
    "cobra": (
        "Go",
        "g/golang-github-spf13-cobra/golang-github-spf13-cobra-dev_1.6.1-1_all.deb",
        "usr/share/gocode/src/github.com/spf13/cobra",
    ),
    "client_golang": (
        "Go",
        "g/golang-github-prometheus-client-golang/golang-github-prometheus-client-golang-dev_1.14.0-3_all.deb",
        "usr/share/gocode/src/github.com/prometheus/client_golang",
    ),
    "hcl": (
        "Go",
        "g/golang-github-hashicorp-hcl-v2/golang-github-hashicorp-hcl-v2-dev_2.14.1-2_all.deb",
        "usr/share/gocode/src/github.com/hashicorp/hcl/v2",
    ),
    "x-tools": (
        "Go",
        "g/golang-golang-x-tools/golang-golang-x-tools-dev_0.5.0+ds-1_all.deb",
        "usr/share/gocode/src/golang.org/x/tools",
    ),
    "serde": ("Rust", "r/rust-serde/librust-serde-dev_1.0.152-2_amd64.deb", "usr/share/cargo/registry/serde-1.0.152"),
    "regex-syntax": (
        "Rust",
        "r/rust-regex-syntax/librust-regex-syntax-dev_0.6.27-1_amd64.deb",
        "usr/share/cargo/registry/regex-syntax-0.6.27",
    ),
    "clap": ("Rust", "r/rust-clap/librust-clap-dev_4.0.32-1_amd64.deb", "usr/share/cargo/registry/clap-4.0.32"),
    "tokio": ("Rust", "r/rust-tokio/librust-tokio-dev_1.24.2-1_amd64.deb", "usr/share/cargo/registry/tokio-1.24.2"),
    "activesupport": (
        "Ruby",
        "r/rails/ruby-activesupport_6.1.7.10+dfsg-1~deb12u2_all.deb",
        "usr/share/rubygems-integration/all/gems/activesupport-6.1.7.10",
    ),
    "activerecord": (
        "Ruby",
        "r/rails/ruby-activerecord_6.1.7.10+dfsg-1~deb12u2_all.deb",
        "usr/share/rubygems-integration/all/gems/activerecord-6.1.7.10",
    ),
    "rack": (
        "Ruby",
        "r/ruby-rack/ruby-rack_2.2.22-0+deb12u1_all.deb",
        "usr/share/rubygems-integration/all/gems/rack-2.2.22",
    ),
    "redmine": ("Ruby", "r/redmine/redmine_5.0.4-5+deb12u1_all.deb", "usr/share/redmine"),
    "symfony-console": (
        "PHP",
        "s/symfony/php-symfony-console_5.4.53+dfsg-0+deb12u1_all.deb",
        "usr/share/php/Symfony/Component/Console",
    ),
    "guzzle": ("PHP", "g/guzzle/php-guzzlehttp-guzzle_7.4.5-1_all.deb", "usr/share/php/GuzzleHttp"),
    "psr7": ("PHP", "p/php-guzzlehttp-psr7/php-guzzlehttp-psr7_2.4.5.orig.tar.xz", "php-guzzlehttp-psr7-2.4.5"),
    "phpunit": ("PHP", "p/phpunit/phpunit_9.6.7-1+deb12u1_all.deb", "usr/share/php/PHPUnit"),
    "commons-lang3": (
        "Java",
        "libc/libcommons-lang3-java/libcommons-lang3-java_3.12.0.orig.tar.xz",
        "commons-lang-rel-commons-lang-3.12.0",
    ),
    "commons-io": ("Java", "c/commons-io/commons-io_2.11.0.orig.tar.gz", "commons-io-2.11.0-src"),
    "jackson-databind": (
        "Java",
        "j/jackson-databind/jackson-databind_2.14.0.orig.tar.xz",
        "jackson-databind-jackson-databind-2.14.0",
    ),
    "guava": ("Java", "g/guava-libraries/guava-libraries_31.1.orig.tar.xz", "guava-31.1"),
    "tomcat": ("Java", "t/tomcat10/tomcat10_10.1.55.orig.tar.xz", "tomcat10-10.1.55"),
    "lua": ("C", "l/lua5.4/lua5.4_5.4.4.orig.tar.gz", "lua-5.4.4"),
    "redis": ("C", "r/redis/redis_7.0.15.orig.tar.gz", "redis-7.0.15"),
    "postgres": ("C", "p/postgresql-15/postgresql-15_15.18.orig.tar.bz2", "postgresql-15.18"),
    "leveldb": ("C++", "l/leveldb/leveldb_1.23.orig.tar.gz", "leveldb-1.23"),
    "fmt": ("C++", "f/fmtlib/fmtlib_9.1.0+ds1.orig.tar.gz", "fmtlib-9.1.0+ds1"),
    "spdlog": ("C++", "s/spdlog/spdlog_1.10.0+ds.orig.tar.xz", "spdlog-1.10.0"),
    "yaml-cpp": ("C++", "y/yaml-cpp/yaml-cpp_0.7.0+dfsg.orig.tar.xz", "yaml-cpp-yaml-cpp-0.7.0"),
    "newtonsoft-json": ("C#", "n/newtonsoft-json/newtonsoft-json_6.0.8+dfsg.orig.tar.gz", "newtonsoft-json-6.0.8"),
    "dnlib": ("C#", "d/dnlib/dnlib_2.1.orig.tar.gz", "dnlib-2.1_VS2010"),
    "nunit": ("C#", "n/nunit/nunit_2.6.4+dfsg.orig.tar.bz2", "nunit-2.6.4"),
    "eslint": ("JS", "npm:eslint@9.15.0", ""),
    "webpack": ("JS", "npm:webpack@5.96.1", ""),
    "three": ("JS", "npm:three@0.170.0", ""),
    "chalk": ("JS", "npm:chalk@5.3.0", ""),
    "primevue": ("JS", "npm:primevue@3.53.0", ""),
    "ghost": ("JS", "npm:ghost@6.65.0", ""),
    "rxjs": ("TS", "npm:rxjs@7.8.1", ""),
    "zod": ("TS", "npm:zod@3.25.76", ""),
}
REAL = c.WORK / "real"


def _deb_data(deb: bytes) -> tarfile.TarFile:
    """The ``data.tar.*`` member of a .deb (an ``ar`` archive) as an open tar file."""
    if not deb.startswith(b"!<arch>\n"):
        raise RuntimeError("not a .deb (ar) archive")
    pos = 8
    while pos + 60 <= len(deb):
        header = deb[pos : pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        body = deb[pos + 60 : pos + 60 + size]
        if name.startswith("data.tar"):
            if name.endswith(".xz"):
                body = lzma.decompress(body)
            return tarfile.open(fileobj=io.BytesIO(body))
        pos += 60 + size + (size % 2)
    raise RuntimeError("no data.tar member in the .deb")


def _data_inside(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's ``data`` filter, skipping a link that leaves the tree (Debian's redmine links
    ``Gemfile.lock`` and ``config/database.yml`` to ``/var/lib/redmine``) instead of failing."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def fetch(name: str) -> Path:
    """The directory to analyze for project ``name`` (downloaded and extracted when missing)."""
    _, archive, inner = PROJECTS[name]
    if archive.startswith((NPM, PYPI)):
        if archive.startswith(NPM):
            package, _, version = archive[len(NPM) :].rpartition("@")
            root = c.fetch_npm(package, version) / inner
        else:
            package, _, version = archive[len(PYPI) :].partition("==")
            root = c.fetch_pip(package, version) / inner
        if not root.is_dir():
            raise SystemExit(f"{name}: {inner} not found in {archive}")
        return root
    dest = REAL / name
    if not dest.is_dir():
        c.DOWNLOADS.mkdir(parents=True, exist_ok=True)
        REAL.mkdir(parents=True, exist_ok=True)
        local = c.DOWNLOADS / archive.rsplit("/", 1)[-1]
        if not local.is_file():
            url = POOL + archive
            try:
                with urllib.request.urlopen(url, timeout=120) as response:
                    data = response.read()
            except OSError as e:
                raise SystemExit(f"cannot fetch {url}: {e}") from e
            local.write_bytes(data)
        tmp = Path(tempfile.mkdtemp(dir=REAL, prefix=".extract-"))
        try:
            blob = local.read_bytes()
            tar = _deb_data(blob) if local.suffix == ".deb" else tarfile.open(local)
            with tar:
                tar.extractall(tmp, filter=_data_inside)
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    root = dest / inner
    if not root.is_dir():
        raise SystemExit(f"{name}: {inner} not found in {archive}")
    return root


def run_project(name: str) -> dict[str, Any]:
    root = fetch(name)
    with tempfile.TemporaryDirectory(prefix="real-code-") as tmp:
        out = Path(tmp) / "out.json"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(c.PYTHON), "-m", "analyzer", str(root), "--no-llm", "--no-cache", "--json", str(out)],
            cwd=c.REPO,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{name}: analyze exited {proc.returncode}:\n{proc.stderr[-2000:]}")
        data = json.loads(out.read_text())
    kinds = Counter(e["kind"] for e in data["edges"])
    reasons = Counter(u["reason"] for u in data["unresolved"])
    external = data["external"]
    errors = [d for d in data["diagnostics"] if d.get("severity") == "error"]
    syntax = {d["path"] for d in data["diagnostics"] if d["message"].startswith("syntax errors")}
    return {
        "family": PROJECTS[name][0],
        "archive": PROJECTS[name][1],
        "files": len(data["files"]),
        "loc": sum(f["loc"] for f in data["files"]),
        "edges": dict(sorted(kinds.items())),
        "unresolved": sum(reasons.values()),
        "unresolved_reasons": dict(reasons.most_common()),
        "external_standard": sorted(e["name"] for e in external if e.get("standard")),
        "external_third_party": sorted(e["name"] for e in external if not e.get("standard")),
        "error_diagnostics": len(errors),
        "files_with_syntax_errors": len(syntax),
        "wall_s": round(wall, 2),
    }


def render(results: dict[str, Any], machine: dict[str, Any]) -> str:
    rows = []
    for name, r in results.items():
        e = r["edges"]
        reasons = "; ".join(f"{n} {reason}" for reason, n in r["unresolved_reasons"].items()) or "-"
        rows.append(
            [
                name,
                r["family"],
                r["files"],
                f"{r['loc']:,}",
                f"{e.get('import', 0)} / {e.get('call', 0)} / {e.get('inherit', 0)} / {e.get('type', 0)}",
                f"{r['unresolved']} ({reasons})" if r["unresolved"] else "0",
                f"{len(r['external_standard'])} / {len(r['external_third_party'])}",
                r["error_diagnostics"],
                r["files_with_syntax_errors"],
                f"{r['wall_s']:.1f}",
            ]
        )
    table = c.md_table(
        [
            "project",
            "language",
            "files",
            "LOC",
            "edges import / call / inherit / type",
            "unresolved (by reason)",
            "externals std / third-party",
            "error diagnostics",
            "files with syntax errors (tree-sitter)",
            "wall s (whole command, cache off)",
        ],
        rows,
    )
    return "\n".join(
        [
            "### Real code from the Debian archive (bookworm), npm and PyPI, `analyze --no-llm --no-cache --json`",
            "",
            "Sources: `-dev` packages that ship sources (Go, Rust, Ruby, PHP), `.orig` upstream tarballs "
            "(Java, C, C++, C#, psr7), npm tarballs (JS, TS) and PyPI sdists (Python), pinned in "
            "`bench/real_code_bench.py`.",
            "",
            table,
            "",
            "Third-party externals per project:",
            "",
            *[f"- {name}: {', '.join(r['external_third_party']) or '-'}" for name, r in results.items()],
            "",
            c.machine_line(machine),
            "",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(PROJECTS))
    ns = ap.parse_args()
    names = [n for n in PROJECTS if not ns.only or n in ns.only.split(",")]
    machine = c.machine()
    results = {}
    for name in names:
        results[name] = run_project(name)
        print(
            f"{name}: {results[name]['files']} files, unresolved {results[name]['unresolved']}, "
            f"{results[name]['wall_s']}s",
            flush=True,
        )
    md = render(results, machine)
    c.write_json("real_code.json", {"machine": machine, "projects": results})
    c.write_text("real_code.md", md)
    print(md)


if __name__ == "__main__":
    main()
