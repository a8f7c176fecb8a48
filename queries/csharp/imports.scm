; C# using directives (also `global using`). module = the namespace or type as written;
; `using X = A.B;` captures the alias; analyzer/languages/csharp.py sets the kind (using, using_static, using_alias).

(using_directive !name [(identifier) (qualified_name)] @import.module) @import.statement

(using_directive
  name: (identifier) @import.alias
  [(identifier) (qualified_name) (generic_name)] @import.module) @import.statement
