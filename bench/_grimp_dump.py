"""Run inside bench/_work/venv-grimp: dump grimp's internal import graph of one package as JSON.

    venv-grimp/bin/python bench/_grimp_dump.py SYS_PATH_DIR PACKAGE OUT.json

Writes {"grimp": version, "modules": [...], "imports": [[importer, imported, first_line, text], ...]}.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from typing import Any


def main() -> None:
    path_dir, package, out = sys.argv[1], sys.argv[2], sys.argv[3]
    sys.path.insert(0, path_dir)
    import grimp

    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    pairs = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            details = graph.get_import_details(importer=importer, imported=imported)
            first: Any = min(details, key=lambda d: d["line_number"]) if details else {}
            pairs.append([importer, imported, first.get("line_number", 0), first.get("line_contents", "")])
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"grimp": version("grimp"), "modules": sorted(graph.modules), "imports": pairs}, fh, indent=0)


if __name__ == "__main__":
    main()
