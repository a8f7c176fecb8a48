; Java imports. module = the dotted name as written (without `.*`); `import.name` = `*` for wildcards.
; analyzer/languages/java.py splits static imports into class + member and sets the kind.

(import_declaration [(identifier) (scoped_identifier)] @import.module) @import.statement

(import_declaration [(identifier) (scoped_identifier)] @import.module (asterisk) @import.name) @import.statement

; module-info.java: `requires m;` names a module (kind set in java.py); `uses` / `provides ... with ...` name classes
(requires_module_directive module: [(identifier) (scoped_identifier)] @import.module) @import.statement
(uses_module_directive [(identifier) (scoped_identifier)] @import.module) @import.statement
(provides_module_directive [(identifier) (scoped_identifier)] @import.module) @import.statement
