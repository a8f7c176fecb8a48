; inherits: typescript
; TSX imports are the TypeScript ones (queries/typescript/imports.scm, prepended by the loader).
