"""The AnalyzerError hierarchy: every error a user may see, with a message written for them.

Only ``cli.py`` catches these; it prints ``str(error)`` on one line and exits
with ``error.exit_code``.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base of every error the analyzer raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # keep picklable across worker processes
        return (self.__class__, (self.message,))


class ConfigError(AnalyzerError):
    """Bad command-line options or settings."""

    exit_code = 2


class InputPathError(AnalyzerError):
    """The path to analyze does not exist, is not a directory, or holds nothing to analyze."""

    exit_code = 3


class NoSourceFilesError(InputPathError):
    """The tree holds no file in a supported language."""


class OutputPathError(AnalyzerError):
    """A report / json / graph path cannot be written."""

    exit_code = 4


class QueryCompileError(AnalyzerError):
    """A tree-sitter query file does not compile against its grammar."""

    exit_code = 70

    def __init__(self, language: str, file: str, detail: str = "") -> None:
        self.language = language
        self.file = file
        self.detail = detail
        super().__init__(f"query {file} does not compile for {language}: {detail}".rstrip(": "))

    def __reduce__(self):
        return (self.__class__, (self.language, self.file, self.detail))


class ModelLoadError(AnalyzerError):
    """The model file is missing, truncated, not GGUF, or cannot be loaded."""

    exit_code = 5


class ModelTooLargeError(ModelLoadError):
    """Estimated memory for weights + KV cache exceeds what is free."""


class ContextOverflowError(AnalyzerError):
    """A prompt cannot be made to fit the context window."""

    exit_code = 6

    def __init__(self, tokens: int, limit: int, what: str = "prompt") -> None:
        self.tokens = tokens
        self.limit = limit
        self.what = what
        super().__init__(
            f"{what} needs {tokens} tokens but only {limit} fit in the context window; "
            "raise --ctx (or --budget, when you set one)"
        )

    def __reduce__(self):
        return (self.__class__, (self.tokens, self.limit, self.what))


class GenerationError(AnalyzerError):
    """The model or server failed while generating."""

    exit_code = 7


class RulesError(AnalyzerError):
    """A rules file (``--check``) cannot be read, is not TOML, or holds an invalid rule."""

    exit_code = 2

    def __init__(self, file: str, line: int, detail: str) -> None:
        self.file = file
        self.line = line
        self.detail = detail
        super().__init__(f"{file}:{line}: {detail}")

    def __reduce__(self):
        return (self.__class__, (self.file, self.line, self.detail))
