"""Prompt templates (Markdown data files), read by :mod:`analyzer.prompt` with importlib.resources."""
