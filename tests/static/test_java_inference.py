"""Java's type-aware links where javac infers a type the file never names: inherited fields and methods,
generic type arguments, lambda parameters, for-each variables (small trees, real parses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import Settings
from analyzer.pipeline import analyze_static


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies}


def test_an_inherited_field_and_method_link_through_the_class_a_use_is_written_in(tmp_path):
    # the class a use is written in is looked up by its qualified name: `buffer` is a field of the
    # superclass, `reset()` a method of the superclass's superclass; neither Root nor Buffer is named in Child
    edges = _edges(
        tmp_path,
        {
            "a/Buffer.java": "package a;\npublic class Buffer { public int peek() { return 0; } }\n",
            "a/Root.java": "package a;\npublic class Root { protected void reset() {} }\n",
            "a/Base.java": "package a;\npublic class Base extends Root { protected Buffer buffer; }\n",
            "c/Child.java": "package c;\nimport a.Base;\n"
            "public class Child extends Base {\n  int next() { reset(); return buffer.peek(); }\n}\n",
        },
    )
    child = {(t, k) for s, t, k in edges if s == "c/Child.java"}
    assert child == {
        ("a/Base.java", "import"),
        ("a/Base.java", "inherit"),
        ("a/Base.java", "call"),  # the field buffer
        ("a/Root.java", "call"),
        ("a/Buffer.java", "call"),
    }


def test_a_method_a_superclass_implements_wins_over_its_interfaces_declaration(tmp_path):
    # javac searches the superclass chain before the interfaces: isEmpty() is AbstractBag's, though Bag
    # is nearer ListBag
    edges = _edges(
        tmp_path,
        {
            "a/Bag.java": "package a;\npublic interface Bag { boolean isEmpty(); }\n",
            "a/AbstractBag.java": "package a;\n"
            "public abstract class AbstractBag implements Bag { public boolean isEmpty() { return true; } }\n",
            "a/MidBag.java": "package a;\npublic abstract class MidBag extends AbstractBag {}\n",
            "a/ListBag.java": "package a;\npublic class ListBag extends MidBag implements Bag {}\n",
            "c/User.java": "package c;\nimport a.ListBag;\n"
            "class User { boolean check(ListBag bag) { return bag.isEmpty(); } }\n",
        },
    )
    assert {(t, k) for s, t, k in edges if s == "c/User.java"} == {
        ("a/ListBag.java", "import"),
        ("a/ListBag.java", "type"),
        ("a/AbstractBag.java", "call"),
    }


def test_a_case_label_names_a_constant_of_the_switch_selectors_enum(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "a/Result.java": "package a;\npublic enum Result { FOUND, EOF }\n",
            "a/Parser.java": "package a;\npublic class Parser { public static Result skip() { return null; } }\n",
            "c/Tag.java": "package c;\nimport a.Parser;\nclass Tag {\n  static final int EOF = -1;\n"
            "  int read(int c) {\n    switch (Parser.skip()) {\n      case FOUND: return 1;\n"
            "      case EOF: return 2;\n    }\n    switch (c) { case EOF: return 0; }\n    return c;\n  }\n}\n",
        },
    )
    # Result is never named in Tag: its constants are reached through the selector's type; the int
    # switch's EOF is Tag's own constant (no edge)
    assert {(t, k) for s, t, k in edges if s == "c/Tag.java"} == {
        ("a/Parser.java", "import"),
        ("a/Parser.java", "type"),
        ("a/Parser.java", "call"),
        ("a/Result.java", "call"),
    }


# a small model: Pet, Owner and Vet each define feed(); Desk (package c) names none of them
_MODEL = {
    "a/Pet.java": "package a;\npublic class Pet { public void feed() {} public Owner owner() { return null; } }\n",
    "a/Owner.java": "package a;\npublic class Owner { public void feed() {} }\n",
    "a/Vet.java": "package a;\npublic class Vet { public void feed() {} }\n",
    "a/Box.java": "package a;\nimport java.util.function.Consumer;\n"
    "public class Box<T> { public T get() { return null; } public void each(Consumer<T> c) {} }\n",
    "a/Herd.java": "package a;\nimport java.util.AbstractList;\n"
    "public abstract class Herd extends AbstractList<Pet> {}\n",
    "a/PetBox.java": "package a;\npublic class PetBox extends Box<Pet> {}\n",
    "a/Texts.java": "package a;\nimport java.util.function.Function;\npublic final class Texts {\n"
    "  public static <T> String join(Iterable<T> items, Function<T, String> f) { return null; }\n}\n",
    "a/Visitor.java": "package a;\npublic interface Visitor<T> { void visit(T t); default void done() {} }\n",
    "a/Clinic.java": "package a;\nimport java.util.*;\npublic class Clinic {\n"
    "  public List<Pet> pets() { return null; }\n  public Map<Owner, List<Vet>> vets() { return null; }\n"
    "  public Box<Vet> box() { return null; }\n  public Optional<Owner> owner() { return null; }\n"
    "  public Herd herd() { return null; }\n  public PetBox petBox() { return null; }\n"
    "  public Pet[] array() { return null; }\n  public <T> T any() { return null; }\n"
    "  public void walk(Visitor<Owner> v) {}\n}\n",
}


def _desk_calls(tmp_path: Path, body: str) -> set[str]:
    desk = f"package c;\nimport a.Clinic;\nimport java.util.*;\nclass Desk {{\n  void run(Clinic clinic) {{\n{body}\n  }}\n}}\n"
    edges = _edges(tmp_path, {**_MODEL, "c/Desk.java": desk})
    return {t for s, t, k in edges if s == "c/Desk.java" and k == "call" and t != "a/Clinic.java"}


@pytest.mark.parametrize(
    ("body", "targets"),
    [
        ("clinic.pets().get(0).feed();", {"a/Pet.java"}),  # List<Pet>.get
        ("clinic.pets().get(0).owner().feed();", {"a/Pet.java", "a/Owner.java"}),
        ("clinic.pets().iterator().next().feed();", {"a/Pet.java"}),
        ("clinic.vets().get(null).get(0).feed();", {"a/Vet.java"}),  # Map<Owner, List<Vet>>.get
        ("for (var e : clinic.vets().entrySet()) { e.getKey().feed(); }", {"a/Owner.java"}),  # Map.Entry
        ("for (var v : clinic.vets().values()) { v.get(0).feed(); }", {"a/Vet.java"}),
        ("for (var p : clinic.array()) { p.feed(); }", {"a/Pet.java"}),  # for-each over an array
        ("clinic.pets().forEach(p -> p.feed());", {"a/Pet.java"}),  # lambda: Iterable<T>.forEach(Consumer<T>)
        ("clinic.vets().forEach((o, vs) -> o.feed());", {"a/Owner.java"}),  # BiConsumer<K, V>
        ("clinic.pets().stream().filter(p -> true).findFirst().get().feed();", {"a/Pet.java"}),
        ("clinic.owner().ifPresent(o -> o.feed());", {"a/Owner.java"}),  # Optional<T>.ifPresent
        ("clinic.owner().orElse(null).feed();", {"a/Owner.java"}),
        ("clinic.box().get().feed();", {"a/Box.java", "a/Vet.java"}),  # the repository's Box<T>
        ("clinic.box().each(v -> v.feed());", {"a/Box.java", "a/Vet.java"}),  # its Consumer<T> parameter
        ("clinic.petBox().get().feed();", {"a/Box.java", "a/Pet.java"}),  # PetBox extends Box<Pet>
        ("clinic.walk(o -> o.feed());", {"a/Owner.java"}),  # the one abstract method of Visitor<T>
        ("clinic.herd().get(0).feed();", {"a/Pet.java"}),  # Herd extends the JDK's AbstractList<Pet>
        # a method's own type variables, inferred from its arguments
        ("Optional.of(clinic.pets().get(0)).get().owner().feed();", {"a/Pet.java", "a/Owner.java"}),
        ("List.of(clinic.box().get()).get(0).feed();", {"a/Box.java", "a/Vet.java"}),
        ("clinic.pets().stream().map(p -> p.owner()).findFirst().get().feed();", {"a/Pet.java", "a/Owner.java"}),
        ("clinic.pets().stream().map(a.Pet::owner).forEach(o -> o.feed());", {"a/Pet.java", "a/Owner.java"}),
        # a lambda's parameter typed by the method's type variable another argument binds
        (
            "a.Texts.join(clinic.pets(), p -> { p.owner().feed(); return null; });",
            {"a/Texts.java", "a/Pet.java", "a/Owner.java"},
        ),
        # not known: a method's own type variable bound by no argument, a lambda given to a constructor
        ("clinic.<a.Vet>any().feed();", set()),
        ("new Thread(() -> {}).start();", set()),
    ],
)
def test_a_member_reached_through_a_type_argument_or_a_lambda_parameter_links_its_file(tmp_path, body, targets):
    assert _desk_calls(tmp_path, body) == targets


def test_calls_javac_sees_without_a_name_written_for_them(tmp_path):
    # a class without a constructor still calls its superclass's (javac's default constructor calls
    # super()); an annotation's element is a method of the annotation type; values() is a method the
    # compiler adds to every enum, and its elements are the enum's
    edges = _edges(
        tmp_path,
        {
            "a/Base.java": "package a;\npublic class Base {}\n",
            "a/Level.java": "package a;\npublic @interface Level { int value(); int depth(); }\n",
            "a/Color.java": "package a;\npublic enum Color { RED; public Color next() { return RED; } }\n",
            "a/Palette.java": "package a;\npublic class Palette { public static Color[] all() { return null; } }\n",
            "c/Child.java": "package c;\nimport a.*;\n@Level(depth = 2)\npublic class Child extends Base {\n"
            "  Object first() { return Palette.all()[0].next(); }\n  Object last(Color c) { return c.values()[0]; }\n}\n",
        },
    )
    assert {(t, k) for s, t, k in edges if s == "c/Child.java" and k in ("call", "inherit")} == {
        ("a/Base.java", "inherit"),
        ("a/Base.java", "call"),
        ("a/Level.java", "call"),
        ("a/Palette.java", "call"),
        ("a/Color.java", "call"),
    }


def test_an_overload_of_the_calls_arity_up_the_hierarchy_wins_over_a_nearer_one_of_another(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "a/Base.java": "package a;\npublic class Base { public int value(int ctxt) { return ctxt; } }\n",
            "b/Mid.java": "package b;\npublic class Mid extends a.Base { public int value() { return 0; } }\n",
            "c/Leaf.java": "package c;\nclass Leaf extends b.Mid { int f() { return value(1) + value(); } }\n",
        },
    )
    assert {(t, k) for s, t, k in edges if s == "c/Leaf.java" and k == "call"} == {
        ("a/Base.java", "call"),  # value(1)
        ("b/Mid.java", "call"),  # value(), and Mid's constructor
    }


def test_a_wildcard_import_links_the_files_of_the_classes_named_not_of_a_method_name_shared(tmp_path):
    # Mapper calls collect(); model's Collector defines a collect() too, but Mapper never names Collector
    edges = _edges(
        tmp_path,
        {
            "model/Pet.java": "package model;\npublic class Pet { public java.util.List<String> collect() { return null; } }\n",
            "model/Collector.java": "package model;\npublic class Collector { public void collect() {} }\n",
            "app/Mapper.java": "package app;\nimport model.*;\nclass Mapper { Object f(Pet p) { return p.collect(); } }\n",
        },
    )
    assert {(t, k) for s, t, k in edges if s == "app/Mapper.java"} == {
        ("model/Pet.java", "import"),
        ("model/Pet.java", "type"),
        ("model/Pet.java", "call"),
    }


def test_an_overload_is_told_apart_by_its_arguments_types_up_the_hierarchy(tmp_path):
    # jackson-databind's DeserializationConfig.isEnabled(DeserializationFeature) beside its superclass's
    # MapperConfig.isEnabled(MapperFeature): javac picks the one the argument's type fits
    edges = _edges(
        tmp_path,
        {
            "a/MapperFeature.java": "package a;\npublic enum MapperFeature { SORT }\n",
            "a/DeserFeature.java": "package a;\npublic enum DeserFeature { FAIL }\n",
            "a/MapperConfig.java": "package a;\n"
            "public class MapperConfig { public boolean isEnabled(MapperFeature f) { return true; } }\n",
            "a/DeserConfig.java": "package a;\nimport ext.Feature;\npublic class DeserConfig extends MapperConfig {\n"
            "  public boolean isEnabled(DeserFeature f) { return true; }\n"
            "  public boolean isEnabled(Feature f) { return true; }\n}\n",
            "c/Reader.java": "package c;\nimport a.*;\nclass Reader {\n  boolean sorted(DeserConfig config) {\n"
            "    return config.isEnabled(MapperFeature.SORT);\n  }\n}\n",
            "c/Writer.java": "package c;\nimport a.*;\nclass Writer {\n  boolean failing(DeserConfig config) {\n"
            "    return config.isEnabled(DeserFeature.FAIL);\n  }\n}\n",
        },
    )
    calls = {(s, t) for s, t, k in edges if k == "call" and s.startswith("c/")}
    assert ("c/Reader.java", "a/MapperConfig.java") in calls
    assert ("c/Reader.java", "a/DeserConfig.java") not in calls
    assert ("c/Writer.java", "a/DeserConfig.java") in calls
    assert ("c/Writer.java", "a/MapperConfig.java") not in calls


def test_a_class_named_in_lower_case_is_a_class(tmp_path):
    # jextract's generated openssl_h: a simple name that is no variable is looked up as a class whatever its case
    edges = _edges(
        tmp_path,
        {
            "a/openssl_h.java": "package a;\npublic class openssl_h { static int upcall() { return 0; } }\n",
            "a/Callback.java": "package a;\nclass Callback { int f() { return openssl_h.upcall(); } }\n",
        },
    )
    assert edges == {("a/Callback.java", "a/openssl_h.java", "call"), ("a/Callback.java", "a/openssl_h.java", "type")}


def test_an_anonymous_class_inherits_its_supertype_and_calls_its_constructor_if_it_is_a_class(tmp_path):
    # javac attributes `new T() { ... }` as a class extending (or implementing) T: an inherit use of T;
    # the anonymous class's own constructor calls T's when T is a class, with or without arguments
    edges = _edges(
        tmp_path,
        {
            "a/Task.java": "package a;\npublic interface Task { void run(); }\n",
            "a/Named.java": "package a;\npublic abstract class Named { protected Named(String n) {} }\n",
            "a/Plain.java": "package a;\npublic abstract class Plain {}\n",
            "b/Use.java": "package b;\nimport a.Named;\nimport a.Plain;\nimport a.Task;\npublic class Use {\n"
            "  Object p = new Plain() { };\n"
            "  Object t = new Task() { public void run() {} };\n"
            '  Object n = new Named("x") { };\n}\n',
        },
    )
    assert {e for e in edges if e[0] == "b/Use.java" and e[2] != "import"} == {
        ("b/Use.java", "a/Task.java", "inherit"),
        ("b/Use.java", "a/Task.java", "type"),
        ("b/Use.java", "a/Named.java", "inherit"),
        ("b/Use.java", "a/Named.java", "type"),
        ("b/Use.java", "a/Named.java", "call"),
        ("b/Use.java", "a/Plain.java", "inherit"),
        ("b/Use.java", "a/Plain.java", "type"),
        ("b/Use.java", "a/Plain.java", "call"),
    }


def test_a_long_fluent_chain_of_calls_taking_lambdas_is_read_in_linear_time(tmp_path):
    # each link's receiver is held twice (its object, and its lambda's parameter), so the receiver
    # written out doubles per link: 40 links were 2**40 tuples to hash; past a bound it is unknown
    chain = "".join(f"\n      .flatMap(t -> t.wrap().map(u{i} -> t.join(u{i})))" for i in range(40))
    edges = _edges(
        tmp_path,
        {
            "a/Seq.java": "package a;\nimport java.util.function.Function;\npublic interface Seq<T> {\n"
            "  <R> Seq<R> flatMap(Function<? super T, ? extends Seq<? extends R>> f);\n"
            "  <R> Seq<R> map(Function<? super T, ? extends R> f);\n"
            "  Seq<T> wrap();\n  T join(Object o);\n}\n",
            "b/Use.java": f"package b;\nimport a.Seq;\npublic class Use {{\n  Object all(Seq<Seq<String>> seq) {{\n"
            f"    return seq{chain};\n  }}\n}}\n",
        },
    )
    assert ("b/Use.java", "a/Seq.java", "call") in edges


def test_a_class_literal_names_the_class_and_reads_its_class_object(tmp_path):
    # javac attributes `App.class` as App named (type) and App's member `class` read (a call)
    edges = _edges(
        tmp_path,
        {
            "a/App.java": "package a;\npublic class App {}\n",
            "b/Boot.java": "package b;\nimport a.App;\npublic class Boot {\n"
            "  Object main() { return run(App.class); }\n  Object run(Class<?> c) { return c; }\n}\n",
            "b/Full.java": "package b;\npublic class Full {\n  Object main() { return a.App.class.getName(); }\n}\n",
        },
    )
    assert {e for e in edges if e[2] != "import"} == {
        ("b/Boot.java", "a/App.java", "type"),
        ("b/Boot.java", "a/App.java", "call"),
        ("b/Full.java", "a/App.java", "type"),
        ("b/Full.java", "a/App.java", "call"),
    }


def test_members_only_lombok_or_a_missing_library_declares_give_no_edge(tmp_path):
    # @Data's getters and a Spring Data repository's inherited findById are declared nowhere in the
    # repository: they link nothing (never a same-named method elsewhere); a method the repository
    # interface declares links it
    edges = _edges(
        tmp_path,
        {
            "a/Address.java": 'package a;\npublic class Address { public String city() { return ""; } }\n',
            "a/Named.java": 'package a;\npublic class Named { public String getName() { return ""; } }\n',
            "a/User.java": "package a;\nimport lombok.Data;\n@Data\npublic class User {\n"
            "  private String name;\n  private Address address;\n}\n",
            "a/UserRepository.java": "package a;\nimport org.springframework.data.jpa.repository.JpaRepository;\n"
            "public interface UserRepository extends JpaRepository<User, Long> { User findOneByName(String n); }\n",
            "b/Svc.java": "package b;\nimport a.User;\nimport a.UserRepository;\npublic class Svc {\n"
            "  UserRepository repo;\n"
            "  String f(User u) { return u.getName() + u.getAddress().city() + repo.findById(1L).get(); }\n"
            '  User g() { return repo.findOneByName("x"); }\n}\n',
        },
    )
    assert {e for e in edges if e[0] == "b/Svc.java" and e[2] != "import"} == {
        ("b/Svc.java", "a/User.java", "type"),
        ("b/Svc.java", "a/UserRepository.java", "type"),
        ("b/Svc.java", "a/UserRepository.java", "call"),
    }


def test_a_constructor_reference_calls_the_constructor_of_the_class_it_names(tmp_path):
    # `NotFound::new` (the grammar reads NotFound as a plain identifier): javac resolves it to the constructor
    edges = _edges(
        tmp_path,
        {
            "a/NotFound.java": "package a;\npublic class NotFound extends RuntimeException {}\n",
            "b/Api.java": "package b;\nimport a.NotFound;\nimport java.util.Optional;\npublic class Api {\n"
            "  Object get(Optional<Object> o) { return o.orElseThrow(NotFound::new); }\n}\n",
        },
    )
    assert ("b/Api.java", "a/NotFound.java", "call") in edges
