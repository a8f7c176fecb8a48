; C++ definitions, calls, type references and base classes.
; Adapted from tree-sitter-cpp 0.23.4 queries/tags.scm (MIT licence,
; https://github.com/tree-sitter/tree-sitter-cpp); capture names per queries/README.md.

; --- definitions ------------------------------------------------------------

(namespace_definition name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.module

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(class_specifier name: (template_type name: (type_identifier) @name) body: (_)) @definition.class
(class_specifier name: (qualified_identifier name: (type_identifier) @name) body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(enumerator name: (identifier) @name) @definition.constant

; free functions (definitions and prototypes, templates included)
(function_declarator declarator: (identifier) @name) @definition.function
; methods: declared or defined in a class body, or defined out of line (`void A::m() {}`)
(function_declarator declarator: [(field_identifier) (destructor_name) (operator_name)] @name) @definition.method
(function_declarator declarator: (qualified_identifier
  name: [(identifier) (destructor_name) (operator_name)] @name)) @definition.method

(type_definition declarator: (type_identifier) @name) @definition.type
(type_definition declarator: (pointer_declarator declarator: (type_identifier) @name)) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type

(preproc_def name: (identifier) @name value: (_)) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro

; --- calls ------------------------------------------------------------------

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (field_expression field: (dependent_name (template_method name: (field_identifier) @name)))) @reference.call
(call_expression function: (field_expression field: (template_method name: (field_identifier) @name))) @reference.call
(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (qualified_identifier name: (identifier) @name))) @reference.call
(call_expression function: (template_function name: (identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (template_function name: (identifier) @name))) @reference.call

((identifier) @name @reference.call (#match? @name "^[A-Z][A-Z0-9_]*[A-Z0-9]$"))

; --- type references --------------------------------------------------------

(_ type: (type_identifier) @name) @reference.type
(_ type: (qualified_identifier name: (type_identifier) @name)) @reference.type
(_ type: (qualified_identifier name: (qualified_identifier name: (type_identifier) @name))) @reference.type
(template_type name: (type_identifier) @name) @reference.type
(struct_specifier name: (type_identifier) @name !body) @reference.type
(class_specifier name: (type_identifier) @name !body) @reference.type
(enum_specifier name: (type_identifier) @name !body) @reference.type

; --- base classes -----------------------------------------------------------

(base_class_clause
  [(type_identifier) @name
   (qualified_identifier name: (type_identifier) @name)
   (template_type name: (type_identifier) @name)
   (qualified_identifier name: (template_type name: (type_identifier) @name))] @reference.inherit)
