; Python imports. module = dotted name as written (relative ones keep their dots).

(import_statement name: (dotted_name) @import.module) @import.statement
(import_statement name: (aliased_import name: (dotted_name) @import.module alias: (identifier) @import.alias)) @import.statement

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  name: [(dotted_name) @import.name
         (aliased_import name: (dotted_name) @import.name alias: (identifier) @import.alias)]) @import.statement

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  (wildcard_import) @import.name) @import.statement


; importlib.import_module("a.b") / __import__("a.b"): a literal name is an import (a relative one
; only with __package__ as the anchor); any other first argument (a variable, an f-string...) is
; kept as a name built at run time, listed as unresolved (analyzer/languages/python.py decides)
(call
  function: [(identifier) @_fn (attribute attribute: (identifier) @_fn)]
  arguments: (argument_list . (_) @import.module)
  (#any-of? @_fn "import_module" "__import__")) @import.statement
