;; C# definitions, references, calls and inheritance.
;; Definitions adapted from tree-sitter-c-sharp queries/tags.scm (MIT, Copyright (c) 2014-2023 Max Brunsfeld, Damien Guard,
;; Amaan Qureshi and contributors); capture names per analyzer/queries.py.

; --- namespaces (block and file-scoped): the first becomes ParsedFile.namespace
(namespace_declaration name: [(identifier) (qualified_name)] @name) @definition.module
(file_scoped_namespace_declaration name: [(identifier) (qualified_name)] @name) @definition.module
; a namespace block the parser could not build (`#if` inside an expression or a base list, common in
; multi-target code): tree-sitter keeps `namespace` and its name as the first children of an ERROR node
(ERROR . "namespace" . [(identifier) (qualified_name)] @name) @definition.module

; --- type declarations ------------------------------------------------------
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(struct_declaration name: (identifier) @name) @definition.struct
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type

; --- members ----------------------------------------------------------------
(method_declaration name: (identifier) @name) @definition.method

(field_declaration
  (modifier) @_mod
  (variable_declaration (variable_declarator name: (identifier) @name))
  (#eq? @_mod "const")) @definition.constant
(enum_member_declaration name: (identifier) @name) @definition.constant

; --- inheritance: base lists of classes, structs, interfaces, records ------
(base_list
  [(identifier) @name
   (generic_name . (identifier) @name)
   (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
   (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.inherit

; --- calls: F(), a.B() -> B, new X() -> X ----------------------------------
(invocation_expression
  function: [(identifier) @name
             (generic_name . (identifier) @name)
             (member_access_expression name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.call

(object_creation_expression
  type: [(identifier) @name
         (generic_name . (identifier) @name)
         (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
         (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.call

; --- type uses: every `type:` / `returns:` field (fields, parameters, locals,
; properties, casts, typeof, patterns, catch, foreach), nullable and array types,
; type arguments and constraints
(_ type: [(identifier) @name
          (generic_name . (identifier) @name)
          (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
          (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.type

(_ returns: [(identifier) @name
             (generic_name . (identifier) @name)
             (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
             (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.type

(type_argument_list
  [(identifier) @name
   (generic_name . (identifier) @name)
   (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
   (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.type

; static member access through a type name: Util.Run(), Config.Max
(member_access_expression
  expression: (identifier) @name
  (#match? @name "^[A-Z]")) @reference.type

; attributes: [Serializable], [Table("x")]
(attribute name: [(identifier) @name
                  (generic_name . (identifier) @name)
                  (qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])
                  (alias_qualified_name name: [(identifier) @name (generic_name . (identifier) @name)])]) @reference.type

; the type an alias names by its simple name: using R = Row<int>; (a qualified one is an import)
(using_directive
  name: (identifier)
  [(identifier) @name
   (generic_name . (identifier) @name)]) @reference.type
