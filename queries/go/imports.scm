; Go imports, single and grouped; `import.alias` holds the alias, `.` (dot import) or `_` (blank import).

(import_declaration
  (import_spec
    name: [(package_identifier) (dot) (blank_identifier)]? @import.alias
    path: (_) @import.module) @import.statement)

(import_declaration
  (import_spec_list
    (import_spec
      name: [(package_identifier) (dot) (blank_identifier)]? @import.alias
      path: (_) @import.module) @import.statement))
