; Python definitions, references, calls and inheritance.
; Adapted from tree-sitter-python queries/tags.scm (MIT); capture names per queries/README.md.

(module (expression_statement (assignment left: (identifier) @name) @definition.constant))

(class_definition name: (identifier) @name) @definition.class

(function_definition name: (identifier) @name) @definition.function

(class_definition
  body: (block
    [(function_definition name: (identifier) @name) @definition.method
     (decorated_definition definition: (function_definition name: (identifier) @name) @definition.method)]))

(class_definition
  superclasses: (argument_list
    [(identifier) @name
     (attribute attribute: (identifier) @name)] @reference.inherit))

(call function: (identifier) @name) @reference.call
; a dunder method called on a receiver (`super().__init__()`) names no function by itself: not linked by name
((call function: (attribute attribute: (identifier) @name)) @reference.call
 (#not-match? @name "^__.+__$"))

(type (identifier) @name) @reference.type
(type (attribute attribute: (identifier) @name)) @reference.type
(decorator [(identifier) @name (attribute attribute: (identifier) @name)]) @reference.call
(decorator (call function: [(identifier) @name (attribute attribute: (identifier) @name)])) @reference.call
