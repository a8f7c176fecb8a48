; PHP imports.
; `use A\B\C;`, `use A\B\C as D;`, `use function A\f;`, `use const A\X;`: module = the qualified name.
; Grouped `use A\{B, C as D};`: module = the prefix (A), names = the members (B, C).
; require / include (and _once) with a string literal path, `__DIR__ . '/x.php'` or
; `dirname(__FILE__) . '/x.php'` (any dirname() of __FILE__ / __DIR__, worked out by php.postprocess_import).
; A path in a variable, or built from one, is kept and listed as unresolved.

(namespace_use_declaration
  (namespace_use_clause . [(qualified_name) (name)] @import.module)) @import.statement

(namespace_use_declaration
  (namespace_name) @import.module
  body: (namespace_use_group
    (namespace_use_clause . [(qualified_name) (name)] @import.name))) @import.statement

; The path literal (quotes are stripped later; php.postprocess_import marks interpolated ones as dynamic).
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

; dirname(__FILE__) . '/x.php', dirname(__DIR__, 2) . '/x.php', dirname(dirname(__FILE__)) . ...
(require_expression
  (binary_expression left: (function_call_expression function: (name) @_fn)
    right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname"))) @import.statement
(require_expression
  (parenthesized_expression
    (binary_expression left: (function_call_expression function: (name) @_fn)
      right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname")))) @import.statement
(require_once_expression
  (binary_expression left: (function_call_expression function: (name) @_fn)
    right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname"))) @import.statement
(require_once_expression
  (parenthesized_expression
    (binary_expression left: (function_call_expression function: (name) @_fn)
      right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname")))) @import.statement
(include_expression
  (binary_expression left: (function_call_expression function: (name) @_fn)
    right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname"))) @import.statement
(include_expression
  (parenthesized_expression
    (binary_expression left: (function_call_expression function: (name) @_fn)
      right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname")))) @import.statement
(include_once_expression
  (binary_expression left: (function_call_expression function: (name) @_fn)
    right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname"))) @import.statement
(include_once_expression
  (parenthesized_expression
    (binary_expression left: (function_call_expression function: (name) @_fn)
      right: [(string) (encapsed_string)] @import.module (#eq? @_fn "dirname")))) @import.statement

; a path held in a variable or built from one (`include $file;`, `require $base . '/x.php';`):
; listed as unresolved, "include path built at run time" (php.postprocess_import: it holds a `$`)
(require_expression [(variable_name) (binary_expression left: (variable_name))] @import.module) @import.statement
(require_once_expression [(variable_name) (binary_expression left: (variable_name))] @import.module) @import.statement
(include_expression [(variable_name) (binary_expression left: (variable_name))] @import.module) @import.statement
(include_once_expression [(variable_name) (binary_expression left: (variable_name))] @import.module) @import.statement
