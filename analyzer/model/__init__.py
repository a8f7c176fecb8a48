"""The model: repository context + prompts -> checked model text.

``generator`` is the interface every engine implements; ``llama`` (llama.cpp in this process) and
``openai_server`` (an OpenAI-compatible server) are its adapters. ``prompt`` and ``templates/``
build the messages, ``passes`` runs the draft / critique / final passes, ``checks`` verifies what
the model wrote against the graph. Importing this package loads no engine.
"""

from analyzer.model.generator import (
    GenerationResult,
    GenerationStats,
    Message,
    RuntimeOptions,
    TextGenerator,
    Tokenizer,
)
from analyzer.model.gguf_file import ModelInfo, default_model_path, list_models, read_header

__all__ = [
    "GenerationResult",
    "GenerationStats",
    "Message",
    "ModelInfo",
    "RuntimeOptions",
    "TextGenerator",
    "Tokenizer",
    "default_model_path",
    "list_models",
    "read_header",
]
