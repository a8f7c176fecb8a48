"""TypeScript's type-aware linking (ts_types + ts_linking) on small real trees, parsed by tree-sitter."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_typescript
from tree_sitter import Language, Parser

from analyzer.config import Settings
from analyzer.pipeline import analyze_static
from analyzer.static.languages.typescript import SPEC

SHAPES = {
    "src/shapes/box.ts": "export class Box { size(): number { return 1; } open(): void {} }\n",
    "src/shapes/bag.ts": "export class Bag { size(): number { return 2; } }\n",
}


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies if d.kind != "import"}


def test_a_member_call_links_only_the_class_of_its_receivers_declared_type(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/use.ts": "import { Box } from './shapes/box';\nimport { Bag } from './shapes/bag';\n"
            "export function count(box: Box, bags: Bag[]): number { return box.size() + bags.length; }\n",
        },
    )
    assert edges == {
        ("src/use.ts", "src/shapes/box.ts", "call"),
        ("src/use.ts", "src/shapes/box.ts", "type"),
        ("src/use.ts", "src/shapes/bag.ts", "type"),
    }


@pytest.mark.parametrize(
    "body",
    [
        "export const f = (things: any[]) => things.map((t) => t.size());",
        "export function f(x: unknown) { return (x as any).size(); }",
        "export function f() { const box = JSON.parse('{}'); return box.size(); }",
    ],
)
def test_an_unknown_receiver_links_nothing(tmp_path, body):
    files = {
        **SHAPES,
        "src/use.ts": "import { Box } from './shapes/box';\nimport { Bag } from './shapes/bag';\n" + body,
    }
    assert _edges(tmp_path, files) == set()


def test_an_inherited_method_links_the_file_of_the_class_declaring_it(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "src/base.ts": "export abstract class Base { save(): void {} }\n",
            "src/user.ts": "import { Base } from './base';\nexport class User extends Base { name = ''; }\n",
            "src/use.ts": "import { User } from './user';\nexport const run = () => new User().save();\n",
        },
    )
    assert ("src/use.ts", "src/base.ts", "call") in edges
    assert ("src/user.ts", "src/base.ts", "inherit") in edges
    assert ("src/use.ts", "src/user.ts", "call") in edges  # new User()


def test_a_local_hides_the_imported_name_it_shares(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "src/size.ts": "export function size(): number { return 0; }\n",
            "src/use.ts": "import { size } from './size';\n"
            "export function outer() { return [1].map((size) => size + 1); }\n"
            "export function inner() { const size = () => 2; return size(); }\n",
        },
    )
    assert edges == set()


@pytest.mark.parametrize(
    "use",
    [
        "export let x: Pet;",
        "export const xs = new Map<string, Pet>();",
        "export const y = {} as Pet;",
        "export const z = null satisfies Pet | null;",
        "export function f(): Promise<Pet[]> { return Promise.resolve([]); }",
        "export type Pets = Pet[];",
    ],
)
def test_type_references_are_type_edges_not_calls(tmp_path, use):
    files = {
        "src/pet.ts": "export interface Pet { name: string }\n",
        "src/use.ts": f"import {{ Pet }} from './pet';\n{use}\n",
    }
    assert _edges(tmp_path, files) == {("src/use.ts", "src/pet.ts", "type")}


def test_a_callbacks_untyped_parameters_take_the_types_the_callee_declares(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/pet.ts": "export interface Pet { name: string }\n",
            "src/run.ts": "import { Box } from './shapes/box';\n"
            "export function withBox(use: (box: Box, n: number) => void): void { use(new Box(), 1); }\n",
            "src/use.ts": "import { withBox } from './run';\nimport type { Pet } from './pet';\n"
            "export const a = withBox((b) => b.size());\n"
            "export function pet(): Pet { return { name: 'Rex' }; }\n",  # keys are no uses, as in tsc
        },
    )
    assert edges == {
        ("src/use.ts", "src/run.ts", "call"),
        ("src/use.ts", "src/shapes/box.ts", "call"),  # b is the Box withBox's callback takes
        ("src/use.ts", "src/pet.ts", "type"),
        ("src/run.ts", "src/shapes/box.ts", "call"),
        ("src/run.ts", "src/shapes/box.ts", "type"),
    }


def test_a_destructured_name_takes_its_part_of_the_value_and_a_key_written_out_is_a_use(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/holder.ts": "import { Box } from './shapes/box';\nexport interface Holder { box: Box; boxes: Box[] }\n",
            "src/use.ts": "import type { Holder } from './holder';\n"
            "export const f = ({ box, boxes: [first] }: Holder) => box.size() + first.size();\n",
        },
    )
    assert edges == {
        ("src/use.ts", "src/holder.ts", "type"),
        ("src/use.ts", "src/holder.ts", "call"),  # the key boxes; the shorthand box names the local
        ("src/use.ts", "src/shapes/box.ts", "call"),
        ("src/holder.ts", "src/shapes/box.ts", "type"),
    }


def test_names_through_barrels_link_the_declaring_file(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/shapes/index.ts": "export * from './box';\nexport { Bag as Sack } from './bag';\n",
            "src/use.ts": "import { Box, Sack } from './shapes';\nimport * as shapes from './shapes';\n"
            "export const a = new Box().open();\nexport const b = (s: Sack) => s.size();\n"
            "export const c = new shapes.Box();\n",
        },
    )
    assert edges == {
        ("src/use.ts", "src/shapes/box.ts", "call"),
        ("src/use.ts", "src/shapes/bag.ts", "call"),
        ("src/use.ts", "src/shapes/bag.ts", "type"),
        ("src/use.ts", "src/shapes/index.ts", "call"),  # `shapes` itself: the namespace of index.ts
    }


def test_a_namespace_re_exported_by_a_barrel_names_its_own_file(tmp_path):
    """``export * as Shapes from``: a use of ``Shapes`` (a value, or the head of ``Shapes.T``) names
    the namespace's file, as the compiler binds it, besides the file declaring the member."""
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/shapes/all.ts": "export * from './box';\nexport * from './bag';\n",
            "src/index.ts": "export * as Shapes from './shapes/all';\nimport * as S from './shapes/all';\n"
            "export default S;\n",
            "src/use.ts": "import { Shapes } from './index';\nexport const a = Shapes.Box;\n",
            "src/typed.ts": "import S from './index';\nexport const f = (b: S.Bag) => b.size();\n"
            "export class Crate extends S.Box {}\n",
        },
    )
    assert edges == {
        ("src/index.ts", "src/shapes/all.ts", "call"),  # `export default S`
        ("src/use.ts", "src/shapes/all.ts", "call"),
        ("src/use.ts", "src/shapes/box.ts", "call"),
        ("src/typed.ts", "src/shapes/all.ts", "type"),
        ("src/typed.ts", "src/shapes/all.ts", "inherit"),  # `extends S.Box`: its head in a heritage clause
        ("src/typed.ts", "src/shapes/box.ts", "inherit"),
        ("src/typed.ts", "src/shapes/bag.ts", "type"),
        ("src/typed.ts", "src/shapes/bag.ts", "call"),
    }


def test_a_declared_value_that_is_no_symbol_still_links_its_file(tmp_path):
    """An object constant, names destructured at file level and a default export of an expression are
    declarations the compiler binds, though no symbols of their file: the link names no symbol."""
    static_files = {
        "src/config.ts": "export const paths = { home: { path: '/' } } as const;\n"
        "const make = (n: number) => ({ useUser: () => n, useLogin: () => 2 });\n"
        "export const { useUser, useLogin } = make(1);\n",
        "src/suites.ts": "export default { suites: [1, 2] };\n",
        "src/use.tsx": "import { paths, useUser } from './config';\nimport bench from './suites';\n"
        "export const Home = () => <a href={paths.home.path}>{useUser()}{bench.suites.length}</a>;\n",
    }
    assert _edges(tmp_path, static_files) == {
        ("src/use.tsx", "src/config.ts", "call"),
        ("src/use.tsx", "src/suites.ts", "call"),  # `export default` of an expression
    }


def test_receivers_typed_by_fields_this_and_the_repositorys_return_types(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/store.ts": "import { Box } from './shapes/box';\n"
            "export class Store { constructor(private readonly box: Box) {} get(): Box { return this.box; } }\n"
            "export function makeStore(): Store { return new Store(null!); }\n",
            "src/use.ts": "import { makeStore } from './store';\n"
            "export class Service { private store = makeStore(); run() { return this.store.get().size(); } }\n",
        },
    )
    assert ("src/use.ts", "src/shapes/box.ts", "call") in edges  # makeStore() -> Store.get() -> Box.size()
    assert ("src/use.ts", "src/store.ts", "call") in edges
    assert ("src/store.ts", "src/shapes/box.ts", "type") in edges


def test_tsx_and_typescript_files_link_through_one_pass(tmp_path):
    edges = _edges(
        tmp_path,
        {
            **SHAPES,
            "src/Panel.tsx": "import { Box } from './shapes/box';\n"
            "export function Panel({ box }: { box: Box }) { return <div>{new Box().size()}</div>; }\n",
            "src/App.tsx": "import { Panel } from './Panel';\nexport const App = () => <Panel box={null!} />;\n",
        },
    )
    assert edges == {
        ("src/Panel.tsx", "src/shapes/box.ts", "call"),
        ("src/Panel.tsx", "src/shapes/box.ts", "type"),
        ("src/App.tsx", "src/Panel.tsx", "call"),
    }


def test_javascript_keeps_linking_through_its_imports_by_name(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "src/box.js": "export class Box { size() { return 1; } }\n",
            "src/use.js": "import { Box } from './box.js';\nexport const f = (thing) => thing.size();\n",
        },
    )
    assert edges == {("src/use.js", "src/box.js", "call")}


@pytest.mark.parametrize(
    ("annotation", "recv"),
    [
        ("Promise<User[]>", ("t", "User[]")),
        ("Array<User> | undefined", ("t", "User[]")),
        ("readonly User[]", ("t", "User[]")),
        ("models.User", ("t", "models.User")),
        ("Map<string, User>", ("t", "Map")),
        ("User | Admin", None),
        ("T", ("t", "Base")),
    ],
)
def test_a_parameters_receiver_is_its_declared_type_erased(annotation, recv):
    source = f"function f<T extends Base>(u: {annotation}) {{ return u.name; }}".encode()
    root = Parser(Language(tree_sitter_typescript.language_typescript())).parse(source).root_node
    assert SPEC.type_facts is not None
    uses = [u for u, _, _, _ in SPEC.type_facts(root)[4] if u[0] == "member"]
    assert uses == ([("member", recv, "name")] if recv is not None else [])


@pytest.mark.parametrize(
    ("source", "use"),
    [
        ("export type U = " + " | ".join(f"'v{i}'" for i in range(3000)) + " | Pet;", ("type", "Pet")),
        ("export let x: " + "Array<" * 2000 + "Pet" + ">" * 2000 + ";", ("type", "Pet")),
        ("export let y: " + "(" * 2000 + "Pet" + ")" * 2000 + ";", ("type", "Pet")),
        ("export const z = " + " + ".join("pet" for _ in range(5000)) + ";", ("name", "pet")),
        ("f(" * 2000 + ")" * 2000 + ";", ("name", "f")),
    ],
)
def test_deeply_nested_code_is_read_without_exhausting_the_stack(source, use):
    # a union of thousands of members (generated code) nests as deep as it is long
    root = Parser(Language(tree_sitter_typescript.language_typescript())).parse(source.encode()).root_node
    assert SPEC.type_facts is not None
    assert use in {u for u, _, _, _ in SPEC.type_facts(root)[4]}
