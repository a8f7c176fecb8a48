; Java definitions, references, calls and inheritance.
; Definitions/calls adapted from tree-sitter-java queries/tags.scm (MIT, Copyright (c) 2017 Ayman Nadeem);
; capture names per analyzer/queries.py.

; --- package: becomes ParsedFile.namespace ---------------------------------
(package_declaration [(identifier) (scoped_identifier)] @name) @definition.module

; --- type declarations ------------------------------------------------------
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum

; --- members ----------------------------------------------------------------
(method_declaration name: (identifier) @name) @definition.method

(field_declaration
  (modifiers) @_mods
  declarator: (variable_declarator name: (identifier) @name)
  (#match? @_mods "(^|\\s)static(\\s|$)")
  (#match? @_mods "(^|\\s)final(\\s|$)")) @definition.constant
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.constant
(enum_constant name: (identifier) @name) @definition.constant

; A qualified type is named by its outer type when it has two segments (RemoteEndpoint.Async, Map.Entry:
; the file the importer imports or its package holds, not any class called Async it sees) and by its
; last segment when longer (org.acme.Config, a package-qualified name).

; --- inheritance: extends / implements --------------------------------------
(superclass
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])]) @reference.inherit

(type_list
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])]) @reference.inherit

; --- calls: f(), a.b() -> b, new X() -> X ----------------------------------
; the methods of java.lang.Object are left out: every class has them, so x.toString() names no file
; (a static Util.equals(a, b) still links Util, through the type pattern below)
(method_invocation name: (identifier) @name
  (#not-match? @name "^(equals|hashCode|toString|getClass|clone|finalize|notify|notifyAll|wait)$")) @reference.call

(object_creation_expression
  type: [(type_identifier) @name
         (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
         (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])]) @reference.call

(method_reference . (identifier) @name (#match? @name "^[A-Z]")) @reference.type
((method_reference (identifier) @name .) @reference.call
  (#not-match? @name "^(equals|hashCode|toString|getClass|clone|finalize|notify|notifyAll|wait)$"))

; --- type uses: fields, parameters, variables, returns, casts, generics ----
; every `type:` field (field/param/local/return/cast/for/array creation)
(_ type: [(type_identifier) @name
          (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
          (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])
          (array_type element: [(type_identifier) @name
                                (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
                                (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])])]) @reference.type

; type arguments, bounds, throws, catch, instanceof, class literals
(type_arguments
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])
   (array_type element: [(type_identifier) @name (generic_type (type_identifier) @name)])]) @reference.type

(type_bound
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])
   (array_type element: [(type_identifier) @name (generic_type (type_identifier) @name)])]) @reference.type

(throws
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])
   (array_type element: [(type_identifier) @name (generic_type (type_identifier) @name)])]) @reference.type

(catch_type
  [(type_identifier) @name
   (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
   (generic_type [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)])
   (array_type element: [(type_identifier) @name (generic_type (type_identifier) @name)])]) @reference.type

(instanceof_expression
  right: [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)
          (generic_type (type_identifier) @name)]) @reference.type

(class_literal [(type_identifier) @name (scoped_type_identifier . (type_identifier) @name) (scoped_type_identifier (scoped_type_identifier) (type_identifier) @name .)]) @reference.type

; static member access through a class name: Util.run(), Config.MAX
(method_invocation object: (identifier) @name (#match? @name "^[A-Z]")) @reference.type
(field_access object: (identifier) @name (#match? @name "^[A-Z]")) @reference.type

; annotations: @Entity, @Table(name = "x")
(marker_annotation name: (identifier) @name) @reference.type
(annotation name: (identifier) @name) @reference.type
