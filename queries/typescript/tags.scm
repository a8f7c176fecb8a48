; TypeScript definitions, references, calls and inheritance.
; JavaScript core adapted from tree-sitter-javascript 0.25.0 queries/tags.scm
; (https://github.com/tree-sitter/tree-sitter-javascript, MIT licence, Copyright (c) 2014 Max Brunsfeld),
; repeated from queries/javascript/tags.scm with TypeScript node names; capture names per
; queries/README.md.  queries/tsx/tags.scm inherits this file and adds the JSX patterns.

; --- definitions --------------------------------------------------------------

[(class_declaration name: (_) @name)
 (abstract_class_declaration name: (_) @name)
 (class name: (_) @name)] @definition.class

[(function_declaration name: (identifier) @name)
 (generator_function_declaration name: (identifier) @name)] @definition.function

; `const f = () => ...` / `const f = function () {...}` at the top level (or exported)
(program
  [(lexical_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (variable_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)])
(program (export_statement declaration:
  [(lexical_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (variable_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)]))

; CommonJS: `exports.f = function () {}` / `module.exports.f = () => ...`
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function))

; top-level constants: `const X = <literal, object, new, call (not require)>`
(program (lexical_declaration "const" (variable_declarator name: (identifier) @name
  value: [(string) (template_string) (number) (object) (array) (true) (false) (regex)
          (new_expression) (binary_expression) (unary_expression) (member_expression)]) @definition.constant))
(program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name
  value: [(string) (template_string) (number) (object) (array) (true) (false) (regex)
          (new_expression) (binary_expression) (unary_expression) (member_expression)]) @definition.constant)))
((program (lexical_declaration "const" (variable_declarator name: (identifier) @name
   value: (call_expression function: (_) @_fn)) @definition.constant))
 (#not-eq? @_fn "require"))
((program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name
   value: (call_expression function: (_) @_fn)) @definition.constant)))
 (#not-eq? @_fn "require"))

((method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
 (#not-eq? @name "constructor"))

(public_field_definition name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method

; --- references ----------------------------------------------------------------

((call_expression function: (identifier) @name) @reference.call
 (#not-eq? @name "require"))

(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @name)) @reference.call

(new_expression constructor: [(identifier) @name
                              (member_expression property: (property_identifier) @name)]) @reference.call

(extends_clause value: [(identifier) @name
                         (member_expression property: (property_identifier) @name)
                         (call_expression function: (identifier) @name)] @reference.inherit)

; --- TypeScript ------------------------------------------------------------------
; Adapted from tree-sitter-typescript 0.23.2 queries/tags.scm
; (https://github.com/tree-sitter/tree-sitter-typescript, MIT licence, Copyright (c) 2014 Max Brunsfeld).

(interface_declaration name: (type_identifier) @name) @definition.interface

(type_alias_declaration name: (type_identifier) @name) @definition.type

(enum_declaration name: (identifier) @name) @definition.enum

(internal_module name: [(identifier) (nested_identifier)] @name) @definition.module

(function_signature name: (identifier) @name) @definition.function

[(method_signature name: (property_identifier) @name)
 (abstract_method_signature name: (property_identifier) @name)] @definition.method

; inheritance: class ... implements I, J.K; interface ... extends A, B<C>
(implements_clause [(type_identifier) @name
                    (nested_type_identifier name: (type_identifier) @name)
                    (generic_type name: [(type_identifier) @name
                                         (nested_type_identifier name: (type_identifier) @name)])] @reference.inherit)
(extends_type_clause [(type_identifier) @name
                      (nested_type_identifier name: (type_identifier) @name)
                      (generic_type name: [(type_identifier) @name
                                           (nested_type_identifier name: (type_identifier) @name)])] @reference.inherit)

; type references: a type name (or the last part of A.B) in any type position
(type_annotation [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(type_arguments [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(union_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(intersection_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(array_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(tuple_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(parenthesized_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(readonly_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(optional_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(rest_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(constraint [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(default_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(lookup_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(index_type_query [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(function_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(conditional_type [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(as_expression [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(satisfies_expression [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(type_predicate [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(opting_type_annotation [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(omitting_type_annotation [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(adding_type_annotation [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)
  (generic_type name: [(type_identifier) @name (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
(type_alias_declaration value: [(type_identifier) @name
                                (nested_type_identifier name: (type_identifier) @name)
                                (generic_type name: [(type_identifier) @name
                                                     (nested_type_identifier name: (type_identifier) @name)])] @reference.type)
