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

