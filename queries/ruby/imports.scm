; Ruby imports: require / require_relative / load with one plain string literal argument.
; (interpolated strings like "x#{y}" are skipped: the string must hold a single string_content)

(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (string . (string_content) @import.module .) .)
  (#any-of? @_method "require" "require_relative" "load")) @import.statement
