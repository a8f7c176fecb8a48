; Rust definitions, references, calls and inheritance.
; Adapted from tree-sitter-rust 0.24.2 queries/tags.scm (MIT licence,
; https://github.com/tree-sitter/tree-sitter-rust); capture names per queries/README.md.

; --- definitions ------------------------------------------------------------

(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(macro_definition name: (identifier) @name) @definition.macro
(mod_item name: (identifier) @name) @definition.module

; free functions: at file level or inside an inline module (not nested in bodies)
(source_file (function_item name: (identifier) @name) @definition.function)
(mod_item body: (declaration_list (function_item name: (identifier) @name) @definition.function))

; methods: `impl X { fn m() }`, `impl T for X { fn m() }` and trait items
(impl_item body: (declaration_list (function_item name: (identifier) @name) @definition.method))
(trait_item body: (declaration_list
  [(function_item name: (identifier) @name)
   (function_signature_item name: (identifier) @name)] @definition.method))

; constants and statics at file or module level
(source_file [(const_item name: (identifier) @name) (static_item name: (identifier) @name)] @definition.constant)
(mod_item body: (declaration_list
  [(const_item name: (identifier) @name) (static_item name: (identifier) @name)] @definition.constant))

; --- calls: f(), A::b(), generic forms, macro invocations -------------------
; (a method call a.b() is linked by a's type: languages/rust_types.py, rust_linking.py)

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(call_expression function: (generic_function
  function: [(identifier) @name
             (scoped_identifier name: (identifier) @name)])) @reference.call
(macro_invocation macro: (identifier) @name) @reference.call
(macro_invocation macro: (scoped_identifier name: (identifier) @name)) @reference.call

; upper-case identifiers are constants / statics by convention
((identifier) @name @reference.call (#match? @name "^[A-Z][A-Z0-9_]*[A-Z0-9]$"))

; --- type references (the trait of `impl Trait for X` is an inherit, below) --

(_ type: (type_identifier) @name) @reference.type
(_ type: (scoped_type_identifier name: (type_identifier) @name)) @reference.type
(_ return_type: (type_identifier) @name) @reference.type
(_ return_type: (scoped_type_identifier name: (type_identifier) @name)) @reference.type
(type_arguments (type_identifier) @name) @reference.type
(type_arguments (scoped_type_identifier name: (type_identifier) @name)) @reference.type
(dynamic_type trait: (type_identifier) @name) @reference.type
(abstract_type trait: (type_identifier) @name) @reference.type
(struct_expression name: (type_identifier) @name) @reference.type
(struct_expression name: (scoped_type_identifier name: (type_identifier) @name)) @reference.type
(type_parameter bounds: (trait_bounds
  [(type_identifier) @name (scoped_type_identifier name: (type_identifier) @name)])) @reference.type
(where_predicate bounds: (trait_bounds
  [(type_identifier) @name (scoped_type_identifier name: (type_identifier) @name)])) @reference.type

; --- inheritance: `impl Trait for X`, supertraits `trait T: Super` ----------

(impl_item trait: [(type_identifier) @name
                   (scoped_type_identifier name: (type_identifier) @name)
                   (generic_type type: [(type_identifier) @name
                                        (scoped_type_identifier name: (type_identifier) @name)])]) @reference.inherit
(trait_item bounds: (trait_bounds
  [(type_identifier) @name
   (scoped_type_identifier name: (type_identifier) @name)
   (generic_type type: (type_identifier) @name)])) @reference.inherit
