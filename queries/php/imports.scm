; PHP imports.
; `use A\B\C;`, `use A\B\C as D;`, `use function A\f;`, `use const A\X;`: module = the qualified name.
; Grouped `use A\{B, C as D};`: module = the prefix (A), names = the members (B, C).
; require / include (and _once) with a string literal path, or `__DIR__ . '/x.php'`.

(namespace_use_declaration
  (namespace_use_clause . [(qualified_name) (name)] @import.module)) @import.statement

(namespace_use_declaration
  (namespace_name) @import.module
  body: (namespace_use_group
    (namespace_use_clause . [(qualified_name) (name)] @import.name))) @import.statement

; The path literal (quotes are stripped later; interpolated strings are dropped by php.postprocess_import).
; Alternations are kept flat: nested [[...] ...] alternations lose matches in tree-sitter 0.26.
(require_expression
  [(string) @import.module
   (encapsed_string) @import.module
   (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
   (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))
   (parenthesized_expression
     [(string) @import.module
      (encapsed_string) @import.module
      (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
      (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))])]) @import.statement

(require_once_expression
  [(string) @import.module
   (encapsed_string) @import.module
   (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
   (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))
   (parenthesized_expression
     [(string) @import.module
      (encapsed_string) @import.module
      (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
      (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))])]) @import.statement

(include_expression
  [(string) @import.module
   (encapsed_string) @import.module
   (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
   (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))
   (parenthesized_expression
     [(string) @import.module
      (encapsed_string) @import.module
      (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
      (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))])]) @import.statement

(include_once_expression
  [(string) @import.module
   (encapsed_string) @import.module
   (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
   (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))
   (parenthesized_expression
     [(string) @import.module
      (encapsed_string) @import.module
      (binary_expression left: (name) @_dir right: (string) @import.module (#eq? @_dir "__DIR__"))
      (binary_expression left: (name) @_dir right: (encapsed_string) @import.module (#eq? @_dir "__DIR__"))])]) @import.statement
