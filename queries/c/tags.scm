; C definitions, calls and type references.
; Adapted from tree-sitter-c 0.24.2 queries/tags.scm (MIT licence,
; https://github.com/tree-sitter/tree-sitter-c); capture names per queries/README.md.

; --- definitions ------------------------------------------------------------

; functions: definitions and prototypes (a header's prototype is the API other files use)
(function_declarator declarator: (identifier) @name) @definition.function

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(enumerator name: (identifier) @name) @definition.constant

(type_definition declarator: (type_identifier) @name) @definition.type
(type_definition declarator: (pointer_declarator declarator: (type_identifier) @name)) @definition.type
(type_definition declarator: (function_declarator declarator: (parenthesized_declarator
  (pointer_declarator declarator: (type_identifier) @name)))) @definition.type

; macros with a value or parameters (bare `#define GUARD_H` include guards are left out)
(preproc_def name: (identifier) @name value: (_)) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro

; --- references -------------------------------------------------------------

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call

; upper-case identifiers are macro constants or enumerators by convention
((identifier) @name @reference.call (#match? @name "^[A-Z][A-Z0-9_]*[A-Z0-9]$"))

(_ type: (type_identifier) @name) @reference.type
(struct_specifier name: (type_identifier) @name !body) @reference.type
(union_specifier name: (type_identifier) @name !body) @reference.type
(enum_specifier name: (type_identifier) @name !body) @reference.type
