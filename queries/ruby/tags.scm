; Ruby definitions, references, calls and inheritance.
; Adapted from tree-sitter-ruby 0.23.1 queries/tags.scm (MIT, Copyright (c) 2016 Rob Rix);
; capture names per queries/README.md.  `module X` is a namespace (definition.module).

(module
  name: [(constant) @name
         (scope_resolution name: (constant) @name)]) @definition.module

(class
  name: [(constant) @name
         (scope_resolution name: (constant) @name)]) @definition.class

; top-level `def` is a function; `def` inside a class/module body and `def self.x` are methods
(program (method name: (_) @name) @definition.function)
(body_statement (method name: (_) @name) @definition.method)
(singleton_method name: (_) @name) @definition.method

(assignment left: (constant) @name) @definition.constant

; inheritance: class A < B, include / extend / prepend M
(class
  superclass: (superclass
    [(constant) @name
     (scope_resolution name: (constant) @name)]) @reference.inherit)

(call
  !receiver
  method: (identifier) @_mixin
  arguments: (argument_list
    [(constant) @name
     (scope_resolution name: (constant) @name)] @reference.inherit)
  (#any-of? @_mixin "include" "extend" "prepend"))

; calls whose receiver's module is known: foo(x) and self.foo (the file's own class, its ancestors or
; what it mixes in), Foo.bar and Foo::Bar.new; obj.foo names no module (any loaded file may define foo)
(call !receiver method: (identifier) @name) @reference.call
(call receiver: (self) method: (identifier) @name) @reference.call
(call
  receiver: [(constant) (scope_resolution)]
  method: (identifier) @name) @reference.call
(call
  receiver: [(constant) @name
             (scope_resolution name: (constant) @name)]) @reference.call

; constants used as values: Foo::BAR, raise Error, [Foo]
(scope_resolution scope: (constant) @name) @reference.type
(scope_resolution name: (constant) @name) @reference.type
(call
  method: (identifier) @_method
  arguments: (argument_list (constant) @name) @reference.type
  ; (#not-any-of? with several values misbehaves in py-tree-sitter 0.26: use #not-match?)
  (#not-match? @_method "^(include|extend|prepend)$"))
(rescue exceptions: (exceptions
  [(constant) @name
   (scope_resolution name: (constant) @name)]) @reference.type)

; a qualified constant as one name (`Redmine::Scm::Base`, `::Foo`, and `Redmine::Scm` inside it), besides
; its parts above: Rails autoloading (analyzer/languages/ruby.py) tells `ActiveRecord::Base` from the
; autoloaded `Redmine::Scm::Base` by it; no definition has such a name, so it links no other way
(scope_resolution) @name @reference.type
(class
  superclass: (superclass (scope_resolution) @name @reference.inherit))
(call
  !receiver
  method: (identifier) @_mixin
  arguments: (argument_list (scope_resolution) @name @reference.inherit)
  (#any-of? @_mixin "include" "extend" "prepend"))
