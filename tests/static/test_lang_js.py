"""JavaScript / TypeScript / TSX: queries (definitions, references, imports) and the shared resolver."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from analyzer.domain import ImportRef, ParsedFile, RepoIndex, SourceFile
from analyzer.static.languages import ResolvedImport, registry
from analyzer.static.languages._js_config import strip_jsonc
from analyzer.static.languages.javascript import CONFIG_KEY, JsConfig, load_config, package_name
from analyzer.static.parse import parse_file
from analyzer.static.queries import compiled_queries, is_known_capture, query_text

JS_FAMILY = ("javascript", "typescript", "tsx")
_EXT = {"javascript": "js", "typescript": "ts", "tsx": "tsx", "vue": "vue"}


def parse(language: str, code: bytes) -> ParsedFile:
    path = f"src/mod.{_EXT[language]}"
    parsed = parse_file(SourceFile(path, language, len(code), hashlib.sha256(code).hexdigest()), code)
    assert [d for d in parsed.diagnostics if d.severity != "info"] == []
    return parsed


# --- definitions -----------------------------------------------------------------

COMMON_DEFS = b"""
export class Shape extends Base {
  area() { return 0; }
  onResize = () => this.area();
  constructor() { super(); }
}
function build() {}
function* gen() {}
export const make = () => new Shape();
const legacy = function () {};
const LIMIT = 10;
export const store = createStore();
const dep = require('dep');
function outer() { const inner = () => 1; }
exports.helper = function () {};
"""

COMMON_EXPECTED = {
    ("Shape", "class", ""),
    ("area", "method", "Shape"),
    ("onResize", "method", "Shape"),
    ("build", "function", ""),
    ("gen", "function", ""),
    ("make", "function", ""),
    ("legacy", "function", ""),
    ("LIMIT", "constant", ""),
    ("store", "constant", ""),
    ("outer", "function", ""),
    ("helper", "function", ""),
}


@pytest.mark.parametrize("language", JS_FAMILY)
def test_common_definitions(language):
    parsed = parse(language, COMMON_DEFS)
    assert {(s.name, s.kind, s.parent) for s in parsed.symbols} == COMMON_EXPECTED


TS_DEFS = b"""
export interface Repo<T> extends Base { find(id: Id): T; }
export type Id = string | number;
enum Color { Red, Green }
export abstract class Store implements Repo<Item> {
  abstract find(id: Id): Item;
  save(item: Item): void {}
}
namespace Utils { export function pad() {} }
declare function external(x: number): void;
"""

TS_EXPECTED = {
    ("Repo", "interface", ""),
    ("find", "method", "Repo"),
    ("Id", "type", ""),
    ("Color", "enum", ""),
    ("Store", "class", ""),
    ("find", "method", "Store"),
    ("save", "method", "Store"),
    ("Utils", "module", ""),
    ("pad", "function", ""),
    ("external", "function", ""),
}


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_definitions(language):
    parsed = parse(language, TS_DEFS)
    assert {(s.name, s.kind, s.parent) for s in parsed.symbols} == TS_EXPECTED
    assert parsed.namespace == "Utils"


# --- references ------------------------------------------------------------------

CALLS = b"""
run();
api.client.fetch(1);
const x = new Widget();
const y = new ui.Panel();
const dep = require('dep');
class A extends mixins.Base {}
"""


@pytest.mark.parametrize("language", JS_FAMILY)
def test_calls_and_inheritance(language):
    parsed = parse(language, CALLS)
    refs = {(r.name, r.kind) for r in parsed.references}
    assert refs == {("run", "call"), ("fetch", "call"), ("Widget", "call"), ("Panel", "call"), ("Base", "inherit")}


TS_REFS = b"""
class Svc extends Base<Model> implements Api, ns.Closable {
  handle(req: Request, opts?: Options[]): Promise<Result | Failure> {
    return cast(req) as Reply;
  }
}
interface Child extends Parent<Arg>, lib.Other {}
type Alias = Target;
"""


@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_type_references(language):
    parsed = parse(language, TS_REFS)
    refs = {(r.name, r.kind) for r in parsed.references}
    assert refs == {
        ("Base", "inherit"),
        ("Api", "inherit"),
        ("Closable", "inherit"),
        ("Parent", "inherit"),
        ("Other", "inherit"),
        ("Model", "type"),
        ("Request", "type"),
        ("Options", "type"),
        ("Promise", "type"),
        ("Result", "type"),
        ("Failure", "type"),
        ("Reply", "type"),
        ("Arg", "type"),
        ("Target", "type"),
        ("cast", "call"),
    }


@pytest.mark.parametrize("language", ["javascript", "tsx"])
def test_jsx_components_are_calls_intrinsic_tags_are_not(language):
    parsed = parse(language, b"const v = <Layout><ui.Card /><div><span /></div></Layout>;\n")
    assert {(r.name, r.kind) for r in parsed.references} == {("Layout", "call"), ("Card", "call")}


# --- imports ---------------------------------------------------------------------

IMPORTS = b"""import def, * as ns from './a';
import { x, y as z } from "./b";
import './side-effect';
export { h } from './h';
export * from './all';
const { p, q: r } = require('./cjs');
const lib = require('lib');
const notLiteral = require(name);
import('./lazy').then((m) => m.go());
import(variable);
"""

IMPORTS_EXPECTED = {
    ("./a", ("*", "def"), "import", False),
    ("./b", ("x", "y"), "import", False),
    ("./side-effect", (), "import", False),
    ("./h", ("h",), "export", False),
    ("./all", ("*",), "export", False),
    ("./cjs", ("p", "q"), "require", False),
    ("lib", (), "require", False),
    ("name", (), "computed", False),
    ("./lazy", (), "dynamic", False),
    ("variable", (), "computed", False),
}


@pytest.mark.parametrize("language", JS_FAMILY)
def test_imports(language):
    parsed = parse(language, IMPORTS)
    assert {(i.module, i.names, i.kind, i.type_only) for i in parsed.imports} == IMPORTS_EXPECTED
    assert [i.line for i in parsed.imports] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (b"const b = require(`./b`);", ("./b", "require")),
        (b"const c = import(`./c`);", ("./c", "dynamic")),
        (b"const c = require(`./c/${name}`);", ("`./c/${name}`", "computed")),
        (
            b"const d = require(path.join(__dirname,\n  'routes', name));",
            ("path.join(__dirname, 'routes', name)", "computed"),
        ),
        (b"const k = require('./k' + ext);", ("'./k' + ext", "computed")),
        (b"const m = require(cfg.module);", ("cfg.module", "computed")),
        (b"const t = require(debug ? './dev' : './prod');", ("debug ? './dev' : './prod'", "computed")),
        (b"const g = import(`./g/${x}`);", ("`./g/${x}`", "computed")),
    ],
)
@pytest.mark.parametrize("language", JS_FAMILY)
def test_require_and_import_of_a_computed_name(language, code, expected):
    """A literal template is an import; any name built at run time is kept, as written, to be listed as
    unresolved (never guessed, never dropped)."""
    parsed = parse(language, code)
    assert [(i.module, i.kind) for i in parsed.imports] == [expected]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (b"import type { A, B } from './t';", ("./t", ("A", "B"), "import", True)),
        (b"import { type A, type B } from './t';", ("./t", ("A", "B"), "import", True)),
        (b"import { type A, B } from './t';", ("./t", ("A", "B"), "import", False)),
        (b"import D, { type A } from './t';", ("./t", ("A", "D"), "import", False)),
        (b"import type * as T from './t';", ("./t", ("*",), "import", True)),
        (b"export type { A } from './t';", ("./t", ("A",), "export", True)),
        (b"import fs = require('fs');", ("fs", ("fs",), "require", False)),
    ],
)
@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_import_forms(language, code, expected):
    parsed = parse(language, code)
    assert [(i.module, i.names, i.kind, i.type_only) for i in parsed.imports] == [expected]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            b"define(['jquery', './a', 'lib/b'], function ($, a, b) {});",
            [("jquery", "amd"), ("./a", "amd"), ("lib/b", "amd")],
        ),
        (b"define('widget', ['./a'], function (a) {});", [("./a", "amd")]),
        (b"require(['./main'], function (main) { main(); });", [("./main", "amd")]),
        # the CommonJS wrapper ids and loader plugins name no module
        (b"define(['require', 'exports', 'module', 'text!./t.html', './a'], function () {});", [("./a", "amd")]),
        (b"define([], function () {});", []),
        (b"const x = require('./x');", [("./x", "require")]),
    ],
)
def test_amd_dependency_arrays(code, expected):
    parsed = parse("javascript", code)
    assert sorted((i.module, i.kind) for i in parsed.imports) == sorted(expected)


def test_specs_share_one_config_and_resolver():
    specs = [registry()[name] for name in JS_FAMILY]
    assert {s.config_name for s in specs} == {CONFIG_KEY}
    assert len({s.resolve_import for s in specs}) == 1


@pytest.mark.parametrize("language", JS_FAMILY)
def test_query_captures_belong_to_the_vocabulary(language):
    query = compiled_queries(language).combined
    names = {query.capture_name(i) for i in range(query.capture_count)}
    assert names and all(is_known_capture(n) for n in names)


@pytest.mark.parametrize("filename", ["tags.scm", "imports.scm"])
def test_tsx_queries_contain_the_typescript_patterns(filename):
    def patterns(language: str) -> str:
        lines = query_text(language, filename).splitlines()
        return "\n".join(line for line in lines if line.strip() and not line.startswith(";"))

    assert patterns("typescript") in patterns("tsx")


# --- resolver --------------------------------------------------------------------

TREE = {
    "tsconfig.json": """{
      // comments and trailing commas are tolerated
      "extends": "./tsconfig.base.json",
      "compilerOptions": { "baseUrl": ".", /* block */ "strict": true, },
    }""",
    "tsconfig.base.json": '{"compilerOptions": {"paths": {"@app/*": ["src/*"], "config": ["src/config/index.ts"],'
    ' "@vendor/*": ["node_modules/*"], "url": ["http://not-a-comment/*"]}}}',
    "package.json": '{"name": "root-app", "private": true}',
    "src/util.ts": "",
    "src/types.d.ts": "",
    "src/data.mjs": "",
    "src/config/index.ts": "",
    "src/components/index.tsx": "",
    "src/a/b.ts": "",
    "lib/helpers.js": "",
    "lib/old.cjs": "",
    "packages/shared/package.json": '{"name": "@mono/shared", "main": "dist/index.js"}',
    "packages/shared/src/index.ts": "",
    "packages/shared/src/format.ts": "",
    "packages/ui/package.json": '{"name": "ui-kit", "exports": {".": {"import": "./lib/entry.js"}}}',
    "packages/ui/lib/entry.js": "",
    "packages/ui/lib/button.jsx": "",
    "packages/empty/package.json": '{"name": "empty-pkg", "main": "gone.js"}',
    "packages/empty/README.md": "",
    "apps/web/tsconfig.json": '{"compilerOptions": {"paths": {"~/*": ["./src/*"]}}}',
    "apps/web/src/main.ts": "",
    "apps/web/src/page.tsx": "",
    # exports subpaths and conditions (a source condition first), imports ('#x') maps
    "packages/kit/package.json": '{"name": "@mono/kit", "exports": {".": {"types": "./dist/index.d.ts",'
    ' "@kit/source": "./src/index.ts", "import": "./dist/index.js"},'
    ' "./addons/*": "./examples/jsm/*", "./tsl": "./dist/tsl.js", "./private/*": null},'
    ' "imports": {"#internal/*": "./src/internal/*.ts", "#dep": "left-pad",'
    ' "#fs": {"node": "fs", "default": "./src/fs-shim.ts"}, "#gone": "./vendor/gone.js"}}',
    "packages/kit/src/index.ts": "",
    "packages/kit/src/internal/clock.ts": "",
    "packages/kit/examples/jsm/orbit.js": "",
    "packages/kit/private/secret.ts": "",
    # a nameless package.json naming a directory's entry points (primevue's per-component folders)
    "legacy/button/package.json": '{"main": "./button.cjs.js", "module": "./button.esm.js", "types": "./Button.d.ts"}',
    "legacy/button/button.cjs.js": "",
    "legacy/button/button.esm.js": "",
    "legacy/button/Button.d.ts": "",
    "legacy/types.d.ts": "",
    "src/shipped.js": "",
    "src/shipped.d.ts": "",  # compiled output beside its declaration
    # entries in a skipped build/ (three.js): the package's sources are src/<Name>.js
    "packages/three/package.json": '{"name": "three", "main": "./build/three.cjs", "module": "./build/three.module.js"}',
    "packages/three/src/Three.js": "",
    "packages/three/src/three.d.ts": "",
    "packages/three/src/math/Vector3.js": "",
}
SOURCES = frozenset(p for p in TREE if not p.endswith((".json", ".md")))


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> RepoIndex:
    root = tmp_path_factory.mktemp("jsrepo")
    for rel, text in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    files = SOURCES | {"packages/empty/README.md"}
    return RepoIndex(files=SOURCES, config={CONFIG_KEY: load_config(root, files)})


def resolve(index: RepoIndex, importer: str, module: str) -> ResolvedImport:
    spec = registry()["typescript"]
    return spec.resolve_import(ImportRef(importer, module, (), 1), index)


@pytest.mark.parametrize(
    ("importer", "module", "target"),
    [
        ("src/a/b.ts", "../util", "src/util.ts"),  # extension resolution
        ("src/a/b.ts", "../util.js", "src/util.ts"),  # './x.js' written for x.ts
        ("src/a/b.ts", "../data.mjs", "src/data.mjs"),  # exact path with extension
        ("src/a/b.ts", "../types", "src/types.d.ts"),  # declaration file
        ("src/a/b.ts", "../components", "src/components/index.tsx"),  # directory index
        ("src/util.ts", "./config", "src/config/index.ts"),
        ("lib/helpers.js", "./old.cjs", "lib/old.cjs"),
        ("src/a/b.ts", "@app/util", "src/util.ts"),  # tsconfig paths wildcard (from extends)
        ("src/a/b.ts", "@app/components", "src/components/index.tsx"),
        ("src/a/b.ts", "config", "src/config/index.ts"),  # exact paths entry
        ("src/a/b.ts", "lib/helpers", "lib/helpers.js"),  # baseUrl
        ("apps/web/src/main.ts", "~/page", "apps/web/src/page.tsx"),  # nearest tsconfig, paths w/o baseUrl
        ("src/a/b.ts", "@mono/shared", "packages/shared/src/index.ts"),  # workspace, main missing -> src/index
        ("src/a/b.ts", "@mono/shared/format", "packages/shared/src/format.ts"),  # workspace subpath
        ("src/a/b.ts", "ui-kit", "packages/ui/lib/entry.js"),  # workspace exports["."]
        ("src/a/b.ts", "ui-kit/lib/button", "packages/ui/lib/button.jsx"),
        ("src/a/b.ts", "@/util", "src/util.ts"),  # bundler alias, unmapped: src/
        ("src/a/b.ts", "~/components", "src/components/index.tsx"),
        ("packages/shared/src/format.ts", "@/index", "packages/shared/src/index.ts"),  # the nearest src/
        ("src/a/b.ts", "@mono/kit", "packages/kit/src/index.ts"),  # a "*source*" exports condition first
        ("src/a/b.ts", "@mono/kit/addons/orbit.js", "packages/kit/examples/jsm/orbit.js"),  # exports "./addons/*"
        ("packages/kit/src/index.ts", "@mono/kit/addons/orbit", "packages/kit/examples/jsm/orbit.js"),  # self-reference
        ("packages/kit/src/index.ts", "#internal/clock", "packages/kit/src/internal/clock.ts"),  # imports map
        ("src/a/b.ts", "../../legacy/button", "legacy/button/button.esm.js"),  # directory: its package.json
        ("legacy/types.d.ts", "./button", "legacy/button/Button.d.ts"),  # a declaration file reads "types" first
        ("src/a/b.ts", "../shipped.js", "src/shipped.d.ts"),  # TypeScript: x.d.ts before the x.js written
        ("src/types.d.ts", "./shipped.js", "src/shipped.d.ts"),
        ("lib/helpers.js", "../src/shipped.js", "src/shipped.js"),  # JavaScript: the file written
        ("lib/helpers.js", "../src/shipped", "src/shipped.js"),  # Node: x.js, never the x.d.ts beside it
        ("lib/old.cjs", "../src/shipped", "src/shipped.js"),
        ("lib/helpers.js", "../legacy/button", "legacy/button/button.esm.js"),  # an entry point, never "types"
        ("src/a/b.ts", "three", "packages/three/src/Three.js"),  # entries absent: src/<name>.* in any case
    ],
)
def test_resolves_internal(index, importer, module, target):
    assert resolve(index, importer, module) == ResolvedImport(targets=(target,))


def test_a_javascript_importer_never_links_to_a_declaration_file(tmp_path):
    # a published package ships x.js beside x.d.ts: require("./x") in a .js file is x.js for Node
    files = {
        "package.json": '{"name": "pkg", "main": "index.js", "types": "index.d.ts"}',
        "index.js": "",
        "index.d.ts": "",
        "lib/util.js": "",
        "lib/util.d.ts": "",
        "lib/only-types.d.ts": "",
        "lib/dir/index.js": "",
        "lib/dir/index.d.ts": "",
        "lib/esm.mjs": "",
        "lib/esm.d.mts": "",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    sources = frozenset(f for f in files if f.endswith((".js", ".ts", ".mjs", ".mts")))
    idx = RepoIndex(files=sources, config={CONFIG_KEY: load_config(tmp_path, sources | {"package.json"})})
    for importer in ("index.js", "lib/esm.mjs"):
        assert resolve(idx, importer, "./lib/util" if importer == "index.js" else "./util").targets == ("lib/util.js",)
    assert resolve(idx, "index.js", "./lib/dir").targets == ("lib/dir/index.js",)
    assert resolve(idx, "lib/util.js", "../lib/esm.mjs").targets == ("lib/esm.mjs",)
    assert resolve(idx, "lib/util.js", "pkg").targets == ("index.js",)
    assert resolve(idx, "lib/util.js", "./only-types").unresolved  # Node cannot load a .d.ts
    # a TypeScript or declaration importer keeps the type-only view
    assert resolve(idx, "index.d.ts", "./lib/util").targets == ("lib/util.d.ts",)
    assert resolve(idx, "lib/esm.d.mts", "./util.js").targets == ("lib/util.d.ts",)


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("react", "react"),
        ("lodash/fp", "lodash"),
        ("@scope/pkg", "@scope/pkg"),
        ("@scope/pkg/deep/path", "@scope/pkg"),
        ("fs", "node:fs"),
        ("fs/promises", "node:fs"),
        ("node:fs", "node:fs"),
        ("node:fs/promises", "node:fs"),
        ("node:test", "node:test"),
        ("@vendor/thing", "@vendor/thing"),  # alias into node_modules falls through to external
        ("src-not-a-dir/x", "src-not-a-dir"),
    ],
)
def test_external_packages(index, module, package):
    assert resolve(index, "src/a/b.ts", module) == ResolvedImport(external=package)


@pytest.mark.parametrize(("module", "package"), [("#dep", "left-pad"), ("#fs", "node:fs")])
def test_subpath_import_to_a_package_is_external(index, module, package):
    """A bare target in the imports map (``"#dep": "left-pad"``) names the package; a Node builtin is standard."""
    assert resolve(index, "packages/kit/src/internal/clock.ts", module) == ResolvedImport(external=package)


@pytest.mark.parametrize(
    ("importer", "module", "reason"),
    [
        ("packages/kit/src/index.ts", "#gone", "package.json imports entry matches no file"),
        ("packages/kit/src/index.ts", "#nope", "subpath import matches no package.json imports entry"),
        ("src/a/b.ts", "#internal/clock", "subpath import matches no package.json imports entry"),  # not its package
    ],
)
def test_subpath_import_miss_is_unresolved_never_a_package(index, importer, module, reason):
    assert resolve(index, importer, module) == ResolvedImport(unresolved=reason)


@pytest.mark.parametrize(
    ("importer", "module"),
    [
        ("src/a/b.ts", "./missing"),
        ("src/a/b.ts", "../../../outside"),
        ("src/a/b.ts", "@app/missing"),
        ("src/a/b.ts", "empty-pkg"),
        ("src/a/b.ts", "@/missing"),  # never an npm package
        ("src/a/b.ts", "@mono/kit/tsl"),  # exported from a build output that is not analyzed
    ],
)
def test_unresolved(index, importer, module):
    result = resolve(index, importer, module)
    assert result.targets == () and result.external == "" and result.unresolved


@pytest.mark.parametrize("language", JS_FAMILY)
def test_a_computed_name_is_unresolved_never_guessed(tmp_path, language):
    """Even when the expression reads like a path that exists (``'./a' + ''``), no file is guessed."""
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    ext = {"javascript": "js", "typescript": "ts", "tsx": "tsx"}[language]
    (tmp_path / "a.js").write_text("module.exports = 1;\n")
    (tmp_path / f"main.{ext}").write_text("const a = require('./a' + '');\nconst b = import(name);\n")
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    assert not static.resolution.dependencies
    assert [(u.module, u.line, u.reason) for u in static.resolution.unresolved] == [
        ("'./a' + ''", 1, "module name built at run time"),
        ("name", 2, "module name built at run time"),
    ]


def test_require_of_a_json_file_without_its_extension_is_data(tmp_path):
    """Node's require('./defaults') loads defaults.json when no defaults.js exists (Ghost's theme-engine
    config): data, neither an edge nor unresolved; a .js file of the same name still comes first."""
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    (tmp_path / "config").mkdir()
    (tmp_path / "config/index.js").write_text(
        "const defaults = require('./defaults');\nconst loader = require('./loader');\n"
        "const gone = require('./gone');\n"
    )
    (tmp_path / "config/defaults.json").write_text('{"a": 1}')
    (tmp_path / "config/loader.js").write_text("module.exports = 1;\n")
    (tmp_path / "config/loader.json").write_text("{}")
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    assert [(d.source, d.target, d.line) for d in static.resolution.dependencies] == [
        ("config/index.js", "config/loader.js", 2)
    ]
    assert [(u.module, u.reason) for u in static.resolution.unresolved] == [
        ("./gone", "relative import matches no file")
    ]


@pytest.mark.parametrize("module", ["./styles.css", "../logo.svg", "@app/theme.scss", "ui-kit/package.json"])
def test_asset_imports_are_ignored(index, module):
    assert resolve(index, "src/a/b.ts", module) == ResolvedImport()


@pytest.mark.parametrize(
    "broken",
    [
        '{"compilerOptions": {"baseUrl": ".", "paths": {"@app/*": ["src/*"]}',  # unterminated
        "not json at all",
        '["a", "list"]',
        "",
    ],
)
def test_broken_tsconfig_is_ignored(tmp_path, broken):
    (tmp_path / "tsconfig.json").write_text(broken)
    (tmp_path / "src").mkdir()
    (tmp_path / "src/util.ts").write_text("")
    files = frozenset({"src/util.ts", "src/main.ts"})
    config = load_config(tmp_path, files)
    assert config == JsConfig(data_files=frozenset({"tsconfig.json"}))  # listed, as any JSON file
    idx = RepoIndex(files=files, config={CONFIG_KEY: config})
    assert resolve(idx, "src/main.ts", "@app/util") == ResolvedImport(external="@app/util")
    assert resolve(idx, "src/main.ts", "./util") == ResolvedImport(targets=("src/util.ts",))


def test_jsconfig_is_read_too(tmp_path):
    (tmp_path / "jsconfig.json").write_text('{"compilerOptions": {"baseUrl": "src"}}')
    files = frozenset({"src/lib/a.js", "src/main.js"})
    idx = RepoIndex(files=files, config={CONFIG_KEY: load_config(tmp_path, files)})
    assert resolve(idx, "src/main.js", "lib/a") == ResolvedImport(targets=("src/lib/a.js",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, // c\n "b": [1, 2,],}', {"a": 1, "b": [1, 2]}),
        ('{"url": "http://x/*y*/", /* gone */ "s": "a,]"}', {"url": "http://x/*y*/", "s": "a,]"}),
        ('{"q": "say \\"hi\\" // not a comment"}', {"q": 'say "hi" // not a comment'}),
    ],
)
def test_strip_jsonc(text, expected):
    import json

    assert json.loads(strip_jsonc(text)) == expected


@pytest.mark.parametrize(("spec", "name"), [("a", "a"), ("a/b/c", "a"), ("@s/p", "@s/p"), ("@s/p/q", "@s/p")])
def test_package_name(spec, name):
    assert package_name(spec) == name


def test_missing_config_behaves_as_empty(tmp_path: Path):
    files = frozenset({"a.ts", "b.ts"})
    idx = RepoIndex(files=files)
    assert resolve(idx, "a.ts", "./b") == ResolvedImport(targets=("b.ts",))
    assert resolve(idx, "a.ts", "b") == ResolvedImport(external="b")


def test_vue_script_blocks_are_found_and_parsed_in_place():
    from analyzer.static.languages.vue import script_ranges

    source = (
        b"<template><div/></template>\n<script>\nexport default {};\n</script>\n"
        b"<SCRIPT setup lang=\"ts\">\nimport Card from './Card.vue';\nconst n: number = 1;\n</SCRIPT>\n"
    )
    ranges = script_ranges(source)
    assert [source[a:b].strip() for a, b in ranges] == [
        b"export default {};",
        b"import Card from './Card.vue';\nconst n: number = 1;",
    ]
    assert script_ranges(b"<template><p>no code</p></template>\n") == []
    assert script_ranges(b"<script>\nunclosed") == []
    parsed = parse("vue", source)
    assert [(i.module, i.line) for i in parsed.imports] == [("./Card.vue", 6)]  # the file's own line numbers
    assert parsed.diagnostics == ()
