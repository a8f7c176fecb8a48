"""A compiler truth for C# call pairs: compile a project with Mono's ``mcs`` and read its IL.

``mcs`` (Debian's ``mono-mcs``) compiles a project's ``<Compile>`` items with the references its
project file names; ``monodis`` (``mono-utils``) prints the IL.  Every member reference in a method
body (``call``, ``callvirt``, ``newobj``, ``ldfld`` / ``stfld`` / ``ldsfld`` / ``stsfld`` and their
address forms, ``ldftn``, ``ldtoken`` of a member; ``initobj``: ``new S()`` of a struct) names the
type declaring the member; the pair
(file declaring the method's outermost type, file declaring the member's outermost type) is a
``call`` pair of the truth, when both are files of the project and differ.  A type of several files
(``partial``) gives a pair for each: the caller leaves such files out (the IL does not say which
part a method is written in).  What IL cannot show: a constant or an enum member is inlined
(no reference); the truth also counts what the compiler adds (a ``foreach``'s ``GetEnumerator``, a
lambda's closure, an implicit base constructor).  Type names map to files by the project's own
declarations (namespace + type name), given by the caller.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import tree_sitter_c_sharp
from tree_sitter import Language, Node, Parser

_MEMBER_OPS = frozenset(
    {"call", "callvirt", "newobj", "ldfld", "stfld", "ldsfld", "stsfld", "ldflda", "ldsflda", "ldftn", "ldvirtftn"}
)
_INSTRUCTION = re.compile(r"^\s*IL_[0-9a-f]+:\s+(\S+)\s+(.*)$")
_CLASS = re.compile(r"^\s*\.class\s")
#: the flags before a type's name on a ``.class`` line
_FLAGS = frozenset(
    "public private nested auto ansi sealed abstract beforefieldinit interface sequential explicit serializable "
    "specialname rtspecialname family assembly famorassem famandassem import unicode autochar".split()
)
_END = re.compile(r"^\s*\} // end of class")
_TYPES = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "delegate_declaration",
    }
)
_NAMESPACE = re.compile(r"^\.namespace\s+(\S+)")


def available() -> bool:
    """Whether ``mcs`` and ``monodis`` are installed."""
    return bool(shutil.which("mcs") and shutil.which("monodis"))


def compile_project(project: Path, defines: str = "TRACE") -> tuple[list[str], str]:
    """(the repository files compiled, the IL text) of a ``.csproj``'s ``<Compile>`` items."""
    root = ElementTree.parse(project).getroot()
    files, refs = [], []
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        include = (element.get("Include") or "").replace("\\", "/")
        if tag == "Compile" and include:
            files.append(include)
        elif tag == "Reference" and include and "," not in include:
            refs.append(include)
    with tempfile.TemporaryDirectory(prefix="csharp-il-") as tmp:
        dll = Path(tmp) / "out.dll"
        args = ["mcs", "-target:library", "-unsafe", "-nowarn:1591,0618,0612", f"-define:{defines}"]
        args += [f"-r:{r}.dll" for r in sorted(set(refs))] + [f"-out:{dll}", *files]
        proc = subprocess.run(args, cwd=project.parent, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"mcs failed on {project}:\n{proc.stdout[-3000:]}")
        il = subprocess.run(["monodis", str(dll)], capture_output=True, text=True, check=True).stdout
    return files, il


def call_pairs(il: str, files_of: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The truth's (source file, target file) call pairs; ``files_of``: outermost type -> its files."""
    pairs: set[tuple[str, str]] = set()
    namespace = ""
    stack: list[str] = []
    for line in il.splitlines():
        m = _NAMESPACE.match(line)
        if m:
            namespace = m.group(1)
            continue
        if _CLASS.match(line):
            name = next((t for t in line.split()[1:] if t not in _FLAGS), "").strip("'").split("`")[0]
            stack.append(stack[0] if stack else (f"{namespace}.{name}" if namespace else name))
            continue
        if _END.match(line):
            if stack:
                stack.pop()
            if not stack:
                namespace = ""
            continue
        m = _INSTRUCTION.match(line)
        if not m or not stack or m.group(1) not in _MEMBER_OPS and m.group(1) not in ("ldtoken", "initobj"):
            continue
        if m.group(1) == "initobj":  # `new S()` of a struct: its operand is the type
            owner = declaring_type(m.group(2).split("<")[0].strip() + "::.ctor")
        else:
            owner = declaring_type(m.group(2))
        if owner is None:
            continue
        for source in files_of.get(stack[0].split("`")[0], ()):
            for target in files_of.get(owner, ()):
                if source != target:
                    pairs.add((source, target))
    return pairs


def declaring_type(operand: str) -> str | None:
    """The outermost type (no generic arity) declaring the member an IL operand names; None for
    a type of another assembly (``[mscorlib]...``) or an operand naming no member."""
    at = operand.find("::")
    if at < 0:
        return None
    i = at
    if operand[i - 1] == ">":  # a generic instance: skip back over its type arguments
        depth = 0
        while i > 0:
            i -= 1
            if operand[i] == ">":
                depth += 1
            elif operand[i] == "<":
                depth -= 1
                if depth == 0:
                    break
    start = operand.rfind(" ", 0, i) + 1
    token = operand[start:i]
    if token.startswith("["):
        return None
    return token.split("/")[0].split("`")[0].strip("'")


def declared_types(source: bytes) -> list[str]:
    """The outermost types a C# file declares, qualified by their namespaces (a plain tree-sitter
    walk, independent of the analyzer's extractor)."""
    out: list[str] = []

    def walk(node: Node, namespace: str) -> None:
        for child in node.named_children:
            if child.type in ("namespace_declaration", "file_scoped_namespace_declaration"):
                name = child.child_by_field_name("name")
                inner = "".join((name.text or b"").decode().split()) if name is not None else ""
                full = f"{namespace}.{inner}" if namespace and inner else inner or namespace
                if child.type == "file_scoped_namespace_declaration":
                    namespace = full
                walk(child, full)
            elif child.type in _TYPES:
                name = child.child_by_field_name("name")
                if name is not None and name.text:
                    out.append(f"{namespace}.{name.text.decode()}" if namespace else name.text.decode())
            else:  # a declaration list, an #if / #region around declarations
                walk(child, namespace)

    walk(Parser(Language(tree_sitter_c_sharp.language())).parse(source).root_node, "")
    return out


def inlined_names(source: bytes) -> set[str]:
    """The enum members and ``const`` fields a C# file declares: the compiler inlines a use of one,
    so the IL holds no reference to it."""
    out: set[str] = set()
    stack = [Parser(Language(tree_sitter_c_sharp.language())).parse(source).root_node]
    while stack:
        node = stack.pop()
        if node.type == "enum_member_declaration":
            name = node.child_by_field_name("name")
            out.add((name.text or b"").decode() if name is not None else "")
        elif node.type == "field_declaration" and any(
            c.type == "modifier" and c.text == b"const" for c in node.children
        ):
            for declarator in node.named_children:
                if declarator.type == "variable_declaration":
                    for v in declarator.named_children:
                        name = v.child_by_field_name("name") if v.type == "variable_declarator" else None
                        if name is not None and name.text:
                            out.add(name.text.decode())
        else:
            stack.extend(node.named_children)
    return out
