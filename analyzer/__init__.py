"""analyzer: an offline, long-context codebase analyzer."""

__version__ = "0.1.0"

__all__ = ["__version__"]
