"""Deterministic generator of a large multi-language repository for the scale benchmark.

Seven sub-projects, each in its language's usual layout, with imports between files that
resolve inside the repository (and a few standard-library imports):

    python/app/pkgN/modM.py            absolute and relative imports, classes, functions
    js/src/pkgN/modM.js                ES module imports between files
    ts/src/pkgN/modM.ts                TypeScript imports (some ``import type``), classes, interfaces
    java/src/main/java/com/example/pkgN/ClassM.java
    go/go.mod, go/pkgN/fileM.go        module example.com/scale, one package per directory
    c/include/scale/pkgN/modM.h, c/src/pkgN/modM.c
    rust/Cargo.toml, rust/src/lib.rs, rust/src/pkgN/{mod.rs,modM.rs}

Every module defines the same name pattern (``fn_<pkg>_<mod>_<k>`` ...), so an importer can
call names of any module, earlier or later (later ones make cycles, as real code has).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: physical lines per language (sums to 1,000,000)
SHARES = {
    "python": 250_000,
    "javascript": 150_000,
    "typescript": 150_000,
    "java": 150_000,
    "go": 130_000,
    "c": 100_000,
    "rust": 70_000,
}
MODS_PER_PKG = 12
WORDS = (
    "order",
    "user",
    "invoice",
    "account",
    "session",
    "report",
    "cache",
    "queue",
    "event",
    "price",
    "stock",
    "token",
    "route",
    "metric",
    "batch",
    "ledger",
    "profile",
    "audit",
)


@dataclass
class Gen:
    rng: random.Random
    lang: str

    def targets(self, pkg: int, mod: int, nmods: int, count: int) -> list[tuple[int, int]]:
        """Modules this one imports: mostly earlier ones, some same-package, a few later.

        ``nmods`` is the number of modules of the language (flat index pkg * MODS_PER_PKG + mod).
        """
        here = pkg * MODS_PER_PKG + mod
        out: set[tuple[int, int]] = set()
        for _ in range(count):
            r = self.rng.random()
            if r < 0.35 and mod > 0:
                t = pkg * MODS_PER_PKG + self.rng.randrange(mod)
            elif r < 0.9 and pkg > 0:
                t = self.rng.randrange(pkg * MODS_PER_PKG)
            else:
                t = self.rng.randrange(nmods)
            if t != here:
                out.add(divmod(t, MODS_PER_PKG))
        return sorted(out)

    def word(self) -> str:
        return self.rng.choice(WORDS)


def _body(g: Gen, calls: list[str], style: str) -> list[str]:
    """A few realistic statement lines calling ``calls`` (already-qualified call expressions)."""
    w = g.word()
    if style == "py":
        lines = ["    total = len(items) if items else 0", f"    {w}_seen = set()"]
        lines += [
            "    for item in items:",
            f"        if item in {w}_seen:",
            "            continue",
            f"        {w}_seen.add(item)",
            f"        total += {calls[0]}(item)" if calls else "        total += 1",
        ]
        lines += [f"    total += {c}(total)" for c in calls[1:]]
        lines += ["    # keep the result bounded", "    return total % 1000003"]
        return lines
    if style in ("js", "ts"):
        t = ": number" if style == "ts" else ""
        lines = [
            f"  let total{t} = items.length;",
            f"  const {w}Seen = new Set();",
            "  for (const item of items) {",
            f"    if ({w}Seen.has(item)) continue;",
            f"    {w}Seen.add(item);",
            f"    total += {calls[0]}(item);" if calls else "    total += 1;",
            "  }",
        ]
        lines += [f"  total += {c}(total);" for c in calls[1:]]
        lines += ["  // keep the result bounded", "  return total % 1000003;"]
        return lines
    if style == "java":
        lines = [
            "        long total = items.size();",
            f"        java.util.Set<Long> {w}Seen = new java.util.HashSet<>();",
            "        for (Long item : items) {",
            f"            if (!{w}Seen.add(item)) {{",
            "                continue;",
            "            }",
            f"            total += {calls[0]}(item);" if calls else "            total += 1;",
            "        }",
        ]
        lines += [f"        total += {c}(total);" for c in calls[1:]]
        lines += ["        // keep the result bounded", "        return total % 1000003L;"]
        return lines
    if style == "go":
        lines = [
            "\ttotal := int64(len(items))",
            f"\t{w}Seen := map[int64]bool{{}}",
            "\tfor _, item := range items {",
            f"\t\tif {w}Seen[item] {{",
            "\t\t\tcontinue",
            "\t\t}",
            f"\t\t{w}Seen[item] = true",
            f"\t\ttotal += {calls[0]}(item)" if calls else "\t\ttotal++",
            "\t}",
        ]
        lines += [f"\ttotal += {c}(total)" for c in calls[1:]]
        lines += ["\t// keep the result bounded", "\treturn total % 1000003"]
        return lines
    if style == "c":
        lines = [
            "    long total = (long)n;",
            "    for (size_t i = 0; i < n; i++) {",
            "        if (items[i] < 0) {",
            "            continue;",
            "        }",
            f"        total += {calls[0]}(items[i]);" if calls else "        total += 1;",
            "    }",
        ]
        lines += [f"    total += {c}(total);" for c in calls[1:]]
        lines += ["    /* keep the result bounded */", "    return total % 1000003L;"]
        return lines
    # rust
    lines = [
        "    let mut total: i64 = items.len() as i64;",
        "    for item in items {",
        "        if *item < 0 {",
        "            continue;",
        "        }",
        f"        total += {calls[0]}(*item);" if calls else "        total += 1;",
        "    }",
    ]
    lines += [f"    total += {c}(total);" for c in calls[1:]]
    lines += ["    // keep the result bounded", "    total % 1_000_003"]
    return lines


def _nfuncs(g: Gen) -> int:
    return g.rng.randint(10, 26)


# --- one file per language -------------------------------------------------------


def py_file(g: Gen, p: int, m: int, nmods: int) -> tuple[str, str]:
    deps = g.targets(p, m, nmods, g.rng.randint(2, 6))
    head = [
        f'"""{g.word().title()} {g.word()} handling (package pkg{p}, module mod{m})."""',
        "from __future__ import annotations",
        "",
        "import logging",
        "from typing import TYPE_CHECKING",
        "",
    ]
    calls: list[str] = []
    for i, (tp, tm) in enumerate(deps):
        if tp == p and i % 2 == 0:
            head.append(f"from . import mod{tm}")
            calls.append(f"mod{tm}.fn_{tp}_{tm}_0")
        elif i % 3 == 0:
            head.append(f"from app.pkg{tp}.mod{tm} import fn_{tp}_{tm}_1, Cls_{tp}_{tm}")
            calls.append(f"fn_{tp}_{tm}_1")
        else:
            head.append(f"import app.pkg{tp}.mod{tm}")
            calls.append(f"app.pkg{tp}.mod{tm}.fn_{tp}_{tm}_2")
    head += [
        "",
        "if TYPE_CHECKING:",
        f"    from app.pkg{deps[0][0]}.mod{deps[0][1]} import Cls_{deps[0][0]}_{deps[0][1]}" if deps else "    pass",
        "",
        "LOG = logging.getLogger(__name__)",
        "",
    ]
    out = head
    for k in range(_nfuncs(g)):
        out += [
            "",
            f"def fn_{p}_{m}_{k}(items: list[int] | int) -> int:",
            f'    """Compute the {g.word()} score."""',
            "    if isinstance(items, int):",
            "        items = [items]",
        ]
        out += _body(g, g.rng.sample(calls, min(len(calls), 2)), "py")
    out += [
        "",
        "",
        f"class Cls_{p}_{m}:",
        f'    """A {g.word()} service."""',
        "",
        "    def __init__(self, limit: int = 10) -> None:",
        "        self.limit = limit",
        "",
    ]
    for k in range(3):
        out += [f"    def run_{k}(self, value: int) -> int:", f"        return fn_{p}_{m}_{k}([value, self.limit])", ""]
    return f"python/app/pkg{p}/mod{m}.py", "\n".join(out) + "\n"


def js_file(g: Gen, p: int, m: int, nmods: int, ts: bool = False) -> tuple[str, str]:
    deps = g.targets(p, m, nmods, g.rng.randint(2, 6))
    ext = "ts" if ts else "js"
    head = [f"// {g.word()} {g.word()} module (pkg{p}/mod{m})", "import { EventEmitter } from 'node:events';"]
    calls: list[str] = []
    for i, (tp, tm) in enumerate(deps):
        spec = f"./mod{tm}" if tp == p else f"../pkg{tp}/mod{tm}"
        spec += "" if ts else ".js"
        if i % 2 == 0:
            head.append(f"import {{ fn{tp}x{tm}x0, fn{tp}x{tm}x1 }} from '{spec}';")
            calls.append(f"fn{tp}x{tm}x0")
        else:
            head.append(f"import * as m{tp}x{tm} from '{spec}';")
            calls.append(f"m{tp}x{tm}.fn{tp}x{tm}x2")
        if ts and i == 0:
            head.append(f"import type {{ Shape{tp}x{tm} }} from '{spec}';")
    out = head + [""]
    if ts:
        out += [f"export interface Shape{p}x{m} {{", "  id: number;", "  name: string;", "  tags: string[];", "}", ""]
    arg = "items: number[]" if ts else "items"
    ret = ": number" if ts else ""
    for k in range(_nfuncs(g)):
        out += [
            f"/** Compute the {g.word()} score. */",
            f"export function fn{p}x{m}x{k}({arg}){ret} {{",
            "  if (!Array.isArray(items)) items = [items];",
        ]
        out += _body(g, g.rng.sample(calls, min(len(calls), 2)), ext) + ["}", ""]
    out += [
        f"export class Service{p}x{m} extends EventEmitter {{",
        "  constructor(limit" + (": number" if ts else "") + " = 10) {",
        "    super();",
        "    this.limit = limit;" if not ts else "    this.limit = limit;",
        "  }",
    ]
    if ts:
        out.insert(len(out) - 4, "  limit: number;")
    for k in range(3):
        out += [
            f"  run{k}(value{': number' if ts else ''}){ret} {{",
            f"    return fn{p}x{m}x{k}([value, this.limit]);",
            "  }",
        ]
    out += ["}", ""]
    return f"{'ts' if ts else 'js'}/src/pkg{p}/mod{m}.{ext}", "\n".join(out)


def java_file(g: Gen, p: int, m: int, nmods: int) -> tuple[str, str]:
    deps = g.targets(p, m, nmods, g.rng.randint(2, 6))
    out = [f"package com.example.pkg{p};", "", "import java.util.List;"]
    calls: list[str] = []
    imported: set[int] = {m}  # simple names in scope: this class, same-package and imported classes
    for tp, tm in deps:
        method = f"m{g.rng.randrange(3)}"
        if tp == p:
            calls.append(f"Class{tm}.{method}")
            imported.add(tm)
        elif tm not in imported:
            out.append(f"import com.example.pkg{tp}.Class{tm};")
            calls.append(f"Class{tm}.{method}")
            imported.add(tm)
        else:  # the simple name is taken: qualify
            calls.append(f"com.example.pkg{tp}.Class{tm}.{method}")
    out += [
        "",
        f"/** The {g.word()} {g.word()} service. */",
        f"public class Class{m} {{",
        "    private final int limit;",
        "",
        f"    public Class{m}(int limit) {{",
        "        this.limit = limit;",
        "    }",
        "",
    ]
    for k in range(_nfuncs(g)):
        out += [f"    /** Compute the {g.word()} score. */", f"    public static long m{k}(List<Long> items) {{"]
        out += _body(g, g.rng.sample(calls, min(len(calls), 2)), "java") + ["    }", ""]
        out += [f"    public static long m{k}(long one) {{", f"        return m{k}(List.of(one));", "    }", ""]
    out += ["}", ""]
    return f"java/src/main/java/com/example/pkg{p}/Class{m}.java", "\n".join(out)


def go_file(g: Gen, p: int, m: int, nmods: int) -> tuple[str, str]:
    deps = [(tp, tm) for tp, tm in g.targets(p, m, nmods, g.rng.randint(2, 6)) if tp < p or tp == p]
    imports = sorted({tp for tp, _ in deps if tp != p})
    out = (
        [f"// Package pkg{p} handles {g.word()} {g.word()} logic.", f"package pkg{p}", "", "import (", '\t"fmt"']
        + [f'\t"example.com/scale/pkg{tp}"' for tp in imports]
        + [")", ""]
    )
    calls = [(f"pkg{tp}." if tp != p else "") + f"F{tm}x{g.rng.randrange(3)}" for tp, tm in deps]
    out += [f"// Service{m} is a {g.word()} service.", f"type Service{m} struct {{", "\tLimit int64", "}", ""]
    for k in range(_nfuncs(g)):
        out += [f"// F{m}x{k}s computes the {g.word()} score.", f"func F{m}x{k}s(items []int64) int64 {{"]
        out += _body(g, g.rng.sample(calls, min(len(calls), 2)), "go") + ["}", ""]
        out += [
            f"// F{m}x{k} wraps F{m}x{k}s.",
            f"func F{m}x{k}(one int64) int64 {{",
            f"\treturn F{m}x{k}s([]int64{{one}})",
            "}",
            "",
        ]
    out += [
        "// Describe prints the service.",
        f"func (s *Service{m}) Describe() string {{",
        f'\treturn fmt.Sprintf("service{m} %d", s.Limit)',
        "}",
        "",
    ]
    return f"go/pkg{p}/file{m}.go", "\n".join(out)


def c_files(g: Gen, p: int, m: int, nmods: int) -> list[tuple[str, str]]:
    deps = g.targets(p, m, nmods, g.rng.randint(2, 6))
    n = _nfuncs(g)
    guard = f"SCALE_PKG{p}_MOD{m}_H"
    header = [f"#ifndef {guard}", f"#define {guard}", "", "#include <stddef.h>", ""]
    header += [f"long c_{p}_{m}_{k}(const long *items, size_t n);" for k in range(n)]
    header += [f"long c_{p}_{m}_{k}_one(long one);" for k in range(n)]
    header += ["", f"#endif /* {guard} */", ""]
    src = [
        f"/* {g.word()} {g.word()} routines (pkg{p}/mod{m}). */",
        "#include <stdio.h>",
        "#include <stdlib.h>",
        f'#include "scale/pkg{p}/mod{m}.h"',
    ]
    src += [f'#include "scale/pkg{tp}/mod{tm}.h"' for tp, tm in deps]
    calls = [f"c_{tp}_{tm}_{g.rng.randrange(3)}_one" for tp, tm in deps]
    src.append("")
    for k in range(n):
        src += [f"long c_{p}_{m}_{k}(const long *items, size_t n)", "{"]
        src += _body(g, g.rng.sample(calls, min(len(calls), 2)), "c") + ["}", ""]
        src += [f"long c_{p}_{m}_{k}_one(long one)", "{", f"    return c_{p}_{m}_{k}(&one, 1);", "}", ""]
    return [(f"c/include/scale/pkg{p}/mod{m}.h", "\n".join(header)), (f"c/src/pkg{p}/mod{m}.c", "\n".join(src))]


def rust_file(g: Gen, p: int, m: int, nmods: int) -> tuple[str, str]:
    deps = g.targets(p, m, nmods, g.rng.randint(2, 5))
    out = [f"//! {g.word()} {g.word()} logic (pkg{p}::mod{m}).", "use std::collections::HashMap;"]
    calls = []
    for i, (tp, tm) in enumerate(deps):
        k = g.rng.randrange(3)
        if i % 2 == 0:
            out.append(f"use crate::pkg{tp}::mod{tm}::r_{tp}_{tm}_{k};")
            calls.append(f"r_{tp}_{tm}_{k}")
        else:
            out.append(f"use crate::pkg{tp}::mod{tm};")
            calls.append(f"mod{tm}::r_{tp}_{tm}_{k}")
    out += [
        "",
        f"/// A {g.word()} service.",
        f"pub struct Service{m} {{",
        "    pub limit: i64,",
        "    pub seen: HashMap<i64, bool>,",
        "}",
        "",
    ]
    for k in range(_nfuncs(g)):
        out += [f"/// Compute the {g.word()} score.", f"pub fn r_{p}_{m}_{k}_all(items: &[i64]) -> i64 {{"]
        out += _body(g, g.rng.sample(calls, min(len(calls), 2)), "rust") + ["}", ""]
        out += [f"pub fn r_{p}_{m}_{k}(one: i64) -> i64 {{", f"    r_{p}_{m}_{k}_all(&[one])", "}", ""]
    return f"rust/src/pkg{p}/mod{m}.rs", "\n".join(out)


def generate(root: Path, seed: int = 1234, scale: float = 1.0) -> dict[str, int]:
    """Write the repository under ``root`` (which must not exist); return physical lines per language.

    The module count per language is fixed by ``share * scale / average lines``, so every
    import target exists; the line total lands within a few percent of 1,000,000 * scale.
    """
    root.mkdir(parents=True)
    written: dict[str, int] = {}

    def put(rel: str, text: str) -> int:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return text.count("\n")

    makers: dict[str, Callable[[Gen, int, int, int], list[tuple[str, str]]]] = {
        "python": lambda g, p, m, n: [py_file(g, p, m, n)],
        "javascript": lambda g, p, m, n: [js_file(g, p, m, n)],
        "typescript": lambda g, p, m, n: [js_file(g, p, m, n, ts=True)],
        "java": lambda g, p, m, n: [java_file(g, p, m, n)],
        "go": lambda g, p, m, n: [go_file(g, p, m, n)],
        "c": c_files,
        "rust": lambda g, p, m, n: [rust_file(g, p, m, n)],
    }
    avg_lines = {"python": 260, "javascript": 250, "typescript": 260, "java": 360, "go": 330, "c": 400, "rust": 300}
    for lang, share in SHARES.items():
        g = Gen(random.Random(f"{seed}:{lang}"), lang)
        nmods = max(2, round(share * scale / avg_lines[lang]))
        npkgs = -(-nmods // MODS_PER_PKG)
        lines = 0
        for p in range(npkgs):
            count = min(MODS_PER_PKG, nmods - p * MODS_PER_PKG)
            for m in range(count):
                for rel, text in makers[lang](g, p, m, nmods):
                    lines += put(rel, text)
            if lang == "python":
                lines += put(f"python/app/pkg{p}/__init__.py", f'"""Package pkg{p}."""\n')
            if lang == "rust":
                lines += put(f"rust/src/pkg{p}/mod.rs", "".join(f"pub mod mod{i};\n" for i in range(count)))
        p = npkgs
        if lang == "python":
            lines += put("python/app/__init__.py", '"""Scale test application."""\n')
        if lang == "go":
            lines += put("go/go.mod", "module example.com/scale\n\ngo 1.22\n")
        if lang == "rust":
            lines += put("rust/Cargo.toml", '[package]\nname = "scale"\nversion = "0.1.0"\nedition = "2021"\n')
            lines += put("rust/src/lib.rs", "".join(f"pub mod pkg{i};\n" for i in range(p)))
        if lang in ("javascript", "typescript"):
            sub = "js" if lang == "javascript" else "ts"
            lines += put(f"{sub}/package.json", f'{{"name": "scale-{sub}", "version": "1.0.0", "type": "module"}}\n')
        written[lang] = lines
    return written
