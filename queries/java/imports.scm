; Java imports. module = the dotted name as written (without `.*`); `import.name` = `*` for wildcards.
; analyzer/languages/java.py splits static imports into class + member and sets the kind.

(import_declaration [(identifier) (scoped_identifier)] @import.module) @import.statement

(import_declaration [(identifier) (scoped_identifier)] @import.module (asterisk) @import.name) @import.statement
