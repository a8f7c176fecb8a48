"""Standard library or third-party: each language's rule, and the flags the real pipeline gives the
external packages of every fixture (expected values written by hand from the fixtures' imports)."""

from __future__ import annotations

import sys

import pytest
from helpers import FIXTURES

from analyzer.config import Settings
from analyzer.pipeline import analyze_static
from analyzer.static.languages import registry


@pytest.mark.parametrize(
    ("language", "package", "standard"),
    [
        ("python", "os", True),
        ("python", "unittest", True),
        ("python", "cPickle", True),
        ("python", "urllib2", True),
        ("python", "__main__", True),
        ("python", "annotationlib", True),
        # removed before 3.11 or after it, Python 2's private names, typeshed's and PyPy's (pip's vendored code)
        ("python", "dummy_threading", True),
        ("python", "distutils", True),
        ("python", "telnetlib", True),
        ("python", "_winreg", True),
        ("python", "_abcoll", True),
        ("python", "_typeshed", True),
        ("python", "__pypy__", True),
        ("python", "tomllib", True),
        ("python", "_thread", True),
        ("python", "yaml", False),
        ("python", "attr", False),
        ("python", "requests", False),
        ("python", "django", False),
        ("javascript", "node:fs", True),
        ("javascript", "lodash", False),
        ("javascript", "@acme/ui", False),
        ("typescript", "node:path", True),
        ("tsx", "node:url", True),
        ("vue", "node:fs", True),
        ("svelte", "svelte", False),
        ("go", "fmt", True),
        ("go", "net", True),
        ("go", "github.com/google/uuid", False),
        ("go", "golang.org/x/sync", False),
        ("go", "slices", True),
        ("go", "C", True),
        # GOPATH-style test data of golang.org/x/tools imports "a", "lib": no dot, yet not the standard library
        ("go", "a", False),
        ("go", "lib", False),
        ("go", "nosuchpkg", False),
        ("java", "java", True),
        ("java", "org.slf4j", False),
        ("c", "libc", True),
        ("c", "zlib", False),
        ("cpp", "c++std", True),
        ("cpp", "libc", True),
        ("cpp", "boost", False),
        ("c", "windows", True),
        ("cpp", "windows", True),
        ("c", "readline", False),
        ("csharp", "System", True),
        ("csharp", "Newtonsoft", False),
        ("csharp", "Microsoft", False),
        ("csharp", "Microsoft.Win32", True),
        ("csharp", "Microsoft.CSharp", True),
        ("csharp", "Microsoft.Extensions", False),
        ("php", "php", True),
        ("php", "Psr", False),
        ("rust", "std", True),
        ("rust", "serde", False),
        ("ruby", "json", True),
        ("ruby", "net", True),
        ("ruby", "set", True),
        ("ruby", "rails", False),
        ("ruby", "minitest", False),
        ("ruby", "fiber", True),
        ("ruby", "rexml", True),
        ("ruby", "rubygems", True),
        ("ruby", "bundler", True),
        ("ruby", "webrick", False),
        ("ruby", "nokogiri", False),
        # net/ holds both: net/http and net/imap ship with Ruby, net/ldap (Redmine's LDAP auth) is a gem
        ("ruby", "net/http", True),
        ("ruby", "net/imap", True),
        ("ruby", "net/ldap", False),
        ("ruby", "net/ssh", False),
    ],
)
def test_each_language_knows_its_standard_library(language, package, standard):
    assert registry()[language].is_standard_library(package) is standard


def test_python_standard_library_does_not_depend_on_the_running_interpreter(monkeypatch):
    # Python 3.13's list lacks what 3.12 and 3.13 removed; legacy code still imports them
    removed = {"asynchat", "asyncore", "distutils", "imp", "smtpd", "cgi", "pipes", "telnetlib", "lib2to3"}
    monkeypatch.setattr(sys, "stdlib_module_names", frozenset(sys.stdlib_module_names) - removed)
    assert all(registry()["python"].is_standard_library(name) for name in sorted(removed))


@pytest.mark.parametrize(
    ("fixture", "standard"),
    [
        ("c/monolith", {"libc": True, "zlib": False}),
        ("cpp/monolith", {"c++std": True, "boost": False}),
        ("csharp/monolith", {"System": True, "Newtonsoft": False}),
        (
            "go/monolith",
            {
                "embed": True,
                "errors": True,
                "fmt": True,
                "sync": True,
                "testing": True,
                "github.com/google/uuid": False,
            },
        ),
        ("java/monolith", {"java": True, "org.slf4j": False}),
        (
            "js/monolith",
            {
                "node:events": True,
                "node:fs": True,
                "node:path": True,
                "@acme/logger": False,
                "express": False,
                "jquery": False,
                "lodash": False,
                "react": False,
            },
        ),
        ("php/monolith", {"php": True, "Psr": False}),
        ("ruby/monolith", {"bigdecimal": True, "csv": True, "json": True, "minitest": False, "rake": False}),
        ("rust/monolith", {"std": True, "serde": False}),
    ],
)
def test_fixture_externals_are_flagged(fixture, standard):
    static = analyze_static(Settings(root=FIXTURES / fixture, use_cache=False, jobs=1, use_git_history=False))
    assert {e.name: e.standard for e in static.analysis.externals} == standard
    assert {(e.package, e.standard) for e in static.resolution.externals} == set(standard.items())
