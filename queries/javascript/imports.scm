; JavaScript imports: ES modules, re-exports, CommonJS require, dynamic import(), AMD define/require.
; Only string-literal module specifiers are captured.  The JavaScript core below is
; repeated in queries/typescript/imports.scm and queries/tsx/imports.scm: keep them in step.
; `kind` (import/export/require/dynamic) is set by postprocess_import in analyzer/languages/javascript.py.

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

; AMD (RequireJS, JavaScript only): define(['a', './b'], fn), define('id', [...], fn), require([...], fn):
; each string of the dependency array (the ids require/exports/module and plugin ids are dropped later)
((call_expression function: (identifier) @_fn arguments: (arguments (array (string) @import.module))) @import.statement
 (#any-of? @_fn "define" "require"))
