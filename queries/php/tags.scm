; PHP definitions, references, calls and inheritance.
; Adapted from tree-sitter-php 0.25.1 queries/tags.scm (MIT, Copyright (c) 2017 Josh Vera, GitHub);
; capture names per queries/README.md.  The namespace declaration is definition.module
; (its full text, e.g. App\Service, becomes ParsedFile.namespace).

(namespace_definition name: (namespace_name) @name) @definition.module

(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(function_definition name: (name) @name) @definition.function
(method_declaration name: (name) @name) @definition.method
(const_declaration (const_element (name) @name) @definition.constant)

; inheritance: extends, implements, `use Trait;` inside a class body
(base_clause [(name) @name (qualified_name (name) @name)] @reference.inherit)
(class_interface_clause [(name) @name (qualified_name (name) @name)] @reference.inherit)
(use_declaration [(name) @name (qualified_name (name) @name)] @reference.inherit)

; calls: f(), \A\f(), $a->m(), $a?->m(), A::m(), new X
(function_call_expression
  function: [(name) @name (qualified_name (name) @name)]) @reference.call
(member_call_expression name: (name) @name) @reference.call
(nullsafe_member_call_expression name: (name) @name) @reference.call
(scoped_call_expression name: (name) @name) @reference.call
(object_creation_expression [(name) @name (qualified_name (name) @name)]) @reference.call

; class uses: A::m() (the class), A::CONST, A::class, type hints, instanceof, catch
(scoped_call_expression scope: [(name) @name (qualified_name (name) @name)]) @reference.type
(class_constant_access_expression . [(name) @name (qualified_name (name) @name)]) @reference.type
(named_type [(name) @name (qualified_name (name) @name)]) @reference.type
(binary_expression
  operator: "instanceof"
  right: [(name) @name (qualified_name (name) @name)]) @reference.type
