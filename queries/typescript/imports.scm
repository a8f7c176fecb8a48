; TypeScript imports: ES modules (incl. `import type`), re-exports, CommonJS require, dynamic import().
; Repeated from queries/javascript/imports.scm (keep in step) plus `import x = require('y')`.
; `kind` and `type_only` are set by postprocess_import in analyzer/languages/javascript.py.

; import 'x'; import d from 'x'; import * as ns from 'x' (module only; names below)
(import_statement source: (string) @import.module) @import.statement

(import_statement
  (import_clause (identifier) @import.name)
  source: (string) @import.module) @import.statement

(import_statement
  (import_clause (namespace_import "*" @import.name))
  source: (string) @import.module) @import.statement

(import_statement
  (import_clause (named_imports (import_specifier name: (_) @import.name alias: (_)? @import.alias)))
  source: (string) @import.module) @import.statement

; re-exports: export { a } from 'x'; export * from 'x'; export * as ns from 'x'
(export_statement source: (string) @import.module) @import.statement

(export_statement
  (export_clause (export_specifier name: (_) @import.name))
  source: (string) @import.module) @import.statement

(export_statement "*" @import.name source: (string) @import.module) @import.statement

(export_statement (namespace_export "*" @import.name) source: (string) @import.module) @import.statement

; CommonJS: require('x'), with destructured names when present
((call_expression function: (identifier) @_fn arguments: (arguments . (string) @import.module .)) @import.statement
 (#eq? @_fn "require"))

((variable_declarator
   name: (object_pattern [(shorthand_property_identifier_pattern) @import.name
                          (pair_pattern key: (_) @import.name)])
   value: (call_expression function: (identifier) @_fn arguments: (arguments . (string) @import.module .)) @import.statement)
 (#eq? @_fn "require"))

; dynamic import('x')
(call_expression function: (import) arguments: (arguments . (string) @import.module .)) @import.statement

; require(expr) / import(expr) with a name built at run time (or a template literal): a literal
; template is an import, anything else is listed as unresolved (javascript.py decides)
((call_expression function: (identifier) @_fn
   arguments: (arguments . [(identifier) (template_string) (binary_expression) (call_expression)
                            (member_expression) (parenthesized_expression) (ternary_expression)] @import.module .)) @import.statement
 (#eq? @_fn "require"))
(call_expression function: (import)
  arguments: (arguments . [(identifier) (template_string) (binary_expression) (call_expression)
                           (member_expression) (parenthesized_expression) (ternary_expression)] @import.module .)) @import.statement

; TypeScript: import fs = require('fs')
(import_statement (import_require_clause (identifier) @import.name source: (string) @import.module)) @import.statement
