; Rust imports (own query, no upstream equivalent).
; `use a::b::{c, d::e};`  -> module "a::b", names "c", "d::e" (each name is the path
;                            below the module, aliases dropped, globs kept as "*")
; `use a::b::c;`          -> module "a::b", names "c"
; `use a::b as c;`        -> module "a", names "b", alias "c"
; `use a::*;`             -> module "a", names "*"
; `use serde;`            -> module "serde"
; `mod x;`                -> module "x" (kind "mod": the child module file)
; `extern crate foo;`     -> module "foo"
; `cfg_rt! { mod rt; }`   -> module "rt" (kind "mod"): a module declared in a macro call's
;                            tokens (tokio's cfg_* macros); the name is the statement
; `cfg_net! { use a::B; }` -> module "a", names "B": a `use` in a macro call's tokens; the
;                            `use` keyword is the statement (both captures), and
;                            postprocess_import re-parses the tokens up to `;`

(use_declaration argument: (scoped_use_list path: (_) @import.module
  list: (use_list [(identifier) (self) (crate) (super) (scoped_identifier)] @import.name))) @import.statement
(use_declaration argument: (scoped_use_list path: (_) @import.module
  list: (use_list (use_as_clause path: (_) @import.name alias: (_) @import.alias)))) @import.statement
(use_declaration argument: (scoped_use_list path: (_) @import.module
  list: (use_list [(use_wildcard) (scoped_use_list)] @import.name))) @import.statement

(use_declaration argument: (scoped_identifier path: (_) @import.module name: (_) @import.name)) @import.statement
(use_declaration argument: (identifier) @import.module) @import.statement

(use_declaration argument: (use_as_clause
  path: (scoped_identifier path: (_) @import.module name: (_) @import.name)
  alias: (_) @import.alias)) @import.statement
(use_declaration argument: (use_as_clause path: (identifier) @import.module alias: (_) @import.alias)) @import.statement

(use_declaration argument: (use_wildcard [(identifier) (scoped_identifier) (crate) (super) (self)] @import.module)) @import.statement

(mod_item name: (identifier) @import.module !body) @import.statement
(token_tree "mod" . (identifier) @import.module @import.statement . ";")
(token_tree "use" @import.module @import.statement)

(extern_crate_declaration name: (identifier) @import.module) @import.statement
