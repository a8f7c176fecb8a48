; C++ includes (own query). `#include "x.h"` -> kind include, `#include <x.h>` -> kind
; system_include (set by analyzer/languages/c.py, shared with cpp.py); quotes and <> are stripped by the parser.

(preproc_include path: [(string_literal) (system_lib_string)] @import.module) @import.statement
