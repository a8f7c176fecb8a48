; JavaScript (and JSX) definitions, references, calls and inheritance.
; Adapted from tree-sitter-javascript 0.25.0 queries/tags.scm
; (https://github.com/tree-sitter/tree-sitter-javascript, MIT licence, Copyright (c) 2014 Max Brunsfeld);
; capture names per queries/README.md.  The JavaScript core below is repeated in
; queries/typescript/tags.scm and queries/tsx/tags.scm: keep the three in step.

; --- definitions --------------------------------------------------------------

[(class_declaration name: (_) @name)
 (class name: (_) @name)] @definition.class

[(function_declaration name: (identifier) @name)
 (generator_function_declaration name: (identifier) @name)] @definition.function

; `const f = () => ...` / `const f = function () {...}` at the top level (or exported)
(program
  [(lexical_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (variable_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)])
(program (export_statement declaration:
  [(lexical_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)
   (variable_declaration (variable_declarator name: (identifier) @name
     value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)]))

; CommonJS: `exports.f = function () {}` / `module.exports.f = () => ...`
(program (expression_statement (assignment_expression
  left: (member_expression property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]) @definition.function))

; top-level constants: `const X = <literal, object, new, call (not require)>`
(program (lexical_declaration "const" (variable_declarator name: (identifier) @name
  value: [(string) (template_string) (number) (object) (array) (true) (false) (regex)
          (new_expression) (binary_expression) (unary_expression) (member_expression)]) @definition.constant))
(program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name
  value: [(string) (template_string) (number) (object) (array) (true) (false) (regex)
          (new_expression) (binary_expression) (unary_expression) (member_expression)]) @definition.constant)))
((program (lexical_declaration "const" (variable_declarator name: (identifier) @name
   value: (call_expression function: (_) @_fn)) @definition.constant))
 (#not-eq? @_fn "require"))
((program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name
   value: (call_expression function: (_) @_fn)) @definition.constant)))
 (#not-eq? @_fn "require"))

((method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.method
 (#not-eq? @name "constructor"))

(field_definition property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method

; --- references ----------------------------------------------------------------

((call_expression function: (identifier) @name) @reference.call
 (#not-eq? @name "require"))

(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @name)) @reference.call

(new_expression constructor: [(identifier) @name
                              (member_expression property: (property_identifier) @name)]) @reference.call

(class_heritage [(identifier) @name
                 (member_expression property: (property_identifier) @name)
                 (call_expression function: (identifier) @name)] @reference.inherit)

; JSX: a capitalised element is a component use (lower-case ones are intrinsic tags)
([(jsx_opening_element name: [(identifier) @name (member_expression property: (property_identifier) @name)])
  (jsx_self_closing_element name: [(identifier) @name (member_expression property: (property_identifier) @name)])] @reference.call
 (#match? @name "^[A-Z]"))
