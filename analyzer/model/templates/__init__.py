"""Prompt templates (Markdown data files), read by :mod:`analyzer.model.prompt` with importlib.resources."""
