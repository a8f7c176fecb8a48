;; Go definitions, references, calls and inheritance (struct and interface embedding).
;; Adapted from tree-sitter-go queries/tags.scm (MIT, Copyright (c) 2014 Max Brunsfeld); capture names
;; per analyzer/queries.py.

; --- package: becomes ParsedFile.namespace ---------------------------------
(package_clause (package_identifier) @name) @definition.module

; --- types: struct -> struct, interface -> interface, anything else -> type
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec
  name: (type_identifier) @name
  type: (_) @_type
  (#not-match? @_type "^(struct|interface)[ \t\n]*[{]")) @definition.type
(type_alias name: (type_identifier) @name) @definition.type

; --- functions, methods, package-level constants and variables -------------
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec_list (var_spec name: (identifier) @name) @definition.constant)))

; --- embedding counts as inheritance ---------------------------------------
(field_declaration
  !name
  type: [(type_identifier) @name
         (qualified_type name: (type_identifier) @name)
         (pointer_type [(type_identifier) @name (qualified_type name: (type_identifier) @name)])
         (generic_type type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)])]) @reference.inherit
(interface_type
  (type_elem . [(type_identifier) @name (qualified_type name: (type_identifier) @name)] .)) @reference.inherit

; --- calls: f(), pkg.F(), x.m() -> m ---------------------------------------
(call_expression
  function: [(identifier) @name
             (parenthesized_expression (identifier) @name)
             (selector_expression field: (field_identifier) @name)
             (parenthesized_expression (selector_expression field: (field_identifier) @name))
             (generic_type type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)])
             (index_expression operand: [(identifier) @name (selector_expression field: (field_identifier) @name)])]) @reference.call

; --- type uses: parameters, results, fields, variables, literals, generics --
(parameter_declaration type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(variadic_parameter_declaration type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(var_spec type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(const_spec type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_spec type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_alias type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(composite_literal type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(generic_type type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_conversion_expression type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_assertion_expression type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_case type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(field_declaration name: (_) type: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(pointer_type [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(type_arguments (type_elem [(type_identifier) @name (qualified_type name: (type_identifier) @name)])) @reference.type
(type_constraint [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(parenthesized_type [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(negated_type [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(slice_type element: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(array_type element: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(implicit_length_array_type element: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(map_type key: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(map_type value: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(channel_type value: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(function_declaration result: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(method_declaration result: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(function_type result: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(method_elem result: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type
(func_literal result: [(type_identifier) @name (qualified_type name: (type_identifier) @name)]) @reference.type

