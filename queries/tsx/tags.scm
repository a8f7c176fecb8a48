; inherits: typescript
; TSX: the TypeScript patterns (queries/typescript/tags.scm, prepended by the loader) plus JSX.
; Capture names per queries/README.md.

; --- JSX ---------------------------------------------------------------------------
; JSX: a capitalised element is a component use (lower-case ones are intrinsic tags)
([(jsx_opening_element name: [(identifier) @name (member_expression property: (property_identifier) @name)])
  (jsx_self_closing_element name: [(identifier) @name (member_expression property: (property_identifier) @name)])] @reference.call
 (#match? @name "^[A-Z]"))
