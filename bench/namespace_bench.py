"""Large shared namespaces: does resolution stay linear when thousands of files see each other?

C# files see every file of their namespace (and the enclosing ones) without a ``using``;
Java and Go files see their package.  A legacy .NET monolith often puts thousands of
classes in one or two namespaces.  This script generates such a C# tree (N classes, half in
``Company.App``, the rest in seven ``Company.App.SubK`` namespaces, each class using ten
others by name), then runs the library pipeline cold in a measurement child and records the
time of each stage, for several N.  Resolution is compared with parsing measured in the
same run: if it grew with N^2 it would overtake parsing quickly.

    .venv/bin/python bench/namespace_bench.py [--sizes 1000,3000,6000]

Writes bench/results/namespace.json and bench/results/namespace.md, prints the Markdown.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import _common as c

USES_PER_CLASS = 10


def generate(root: Path, n: int, seed: int = 1) -> None:
    """N C# classes in a few shared namespaces, each creating and calling ten others."""
    rng = random.Random(seed)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for i in range(n):
        uses = rng.sample(range(n), USES_PER_CLASS)
        body = "\n".join(f"            var x{j} = new C{u}(); x{j}.Run{u}();" for j, u in enumerate(uses))
        namespace = "Company.App" if i % 2 else f"Company.App.Sub{i % 7}"
        (root / f"C{i}.cs").write_text(
            f"namespace {namespace}\n{{\n    public class C{i}\n    {{\n        public void Run{i}()\n"
            f"        {{\n{body}\n        }}\n    }}\n}}\n"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,3000,6000")
    ns = ap.parse_args()
    sizes = [int(x) for x in ns.sizes.split(",")]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="namespace-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / f"cs-{n}"
            generate(root, n)
            out = Path(tmp) / f"cs-{n}.json"
            m = c.measure(["stages", str(root), "0", str(out)], {"ANALYZER_CACHE": str(Path(tmp) / f"cache-{n}")})
            stages = m["stages_s"]
            results.append(
                {"files": n, "stages_s": stages, "resolve_over_parse": round(stages["resolve"] / stages["parse"], 3)}
            )
            print(f"{n} files: {stages}", flush=True)
    machine = c.machine()
    rows = [
        [
            r["files"],
            f"{r['stages_s']['parse']:.2f}",
            f"{r['stages_s']['resolve']:.2f}",
            f"{r['resolve_over_parse']:.2f}",
            f"{r['stages_s']['graph']:.2f}",
        ]
        for r in results
    ]
    md = "\n".join(
        [
            "### Large shared namespaces (generated C#, cold, library pipeline)",
            "",
            c.md_table(["files", "parse s", "resolve s", "resolve / parse", "graph s"], rows),
            "",
            f"Half of the classes in `Company.App`, the rest in seven `Company.App.SubK` namespaces (which also "
            f"see `Company.App`); each class uses {USES_PER_CLASS} others by name. Resolution links each use to "
            "the files defining the name, looked up from whichever side is smaller (the files it can see, or "
            "the files defining the names it uses).",
            "",
            c.machine_line(machine),
            "",
        ]
    )
    c.write_json("namespace.json", {"machine": machine, "results": results})
    c.write_text("namespace.md", md)
    print(md)


if __name__ == "__main__":
    main()
