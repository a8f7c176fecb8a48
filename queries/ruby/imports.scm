; Ruby imports: require / require_relative / load with one plain string literal argument (autoload too,
; through import_calls: its path is the second argument, or built from the module nesting).
; Every other argument (File.expand_path("../x", __dir__), File.dirname(__FILE__) + "/x", "x#{y}",
; a variable) reaches analyzer/languages/ruby.py through the call references of tags.scm
; (LanguageSpec.import_calls): a pattern for them here would make every receiver-less call a match.

(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list . (string . (string_content) @import.module .) .)
  (#any-of? @_method "require" "require_relative" "load")) @import.statement

; Rails: `helper :queries, "admin/users"` in a controller mixes in QueriesHelper, Admin::UsersHelper
; (app/helpers/queries_helper.rb): each symbol or plain string is one module (ruby.py adds `_helper`)
(call
  !receiver
  method: (identifier) @_method
  arguments: (argument_list [(simple_symbol) @import.module
                             (string . (string_content) @import.module .)])
  (#eq? @_method "helper")) @import.statement
