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


; importlib.import_module("a.b") / __import__("a.b") are read from the call references of tags.scm
; (LanguageSpec.import_calls in analyzer/languages/python.py): a pattern here would make every call
; with an argument a match to test, about a tenth of the whole query's cost on Django
