"""Write a tiny random-weight llama GGUF with a real tokenizer, for fast runtime tests.

The tokenizer (``tokenizer.ggml.*``) is copied from a real GGUF (the default
SmolLM2 model), so tokenization and chat templating behave as in production;
the weights are seeded random numbers, so the text it writes is gibberish but
deterministic.

Usage: ``python tests/tiny_model.py OUT.gguf [SOURCE.gguf]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGUFWriter

#: a plain ChatML template (the tiny model's own, so tests do not depend on SmolLM2's)
TINY_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
TINY_CONTEXT_LENGTH = 2048
_COPIED_SCALARS = (
    "tokenizer.ggml.model",
    "tokenizer.ggml.pre",
    "tokenizer.ggml.bos_token_id",
    "tokenizer.ggml.eos_token_id",
    "tokenizer.ggml.unknown_token_id",
    "tokenizer.ggml.padding_token_id",
    "tokenizer.ggml.add_bos_token",
    "tokenizer.ggml.add_space_prefix",
)
_COPIED_ARRAYS = ("tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.merges")


def write_tiny_model(
    out: Path,
    tokenizer_source: Path,
    *,
    seed: int = 0,
    n_layer: int = 2,
    n_embd: int = 64,
    n_head: int = 2,
    n_head_kv: int = 1,
    n_ff: int = 128,
    context_length: int = TINY_CONTEXT_LENGTH,
) -> Path:
    """Write a llama-architecture GGUF to ``out`` and return its path."""
    reader = GGUFReader(tokenizer_source)
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    n_vocab = len(tokens)
    rng = np.random.default_rng(seed)
    head_dim = n_embd // n_head

    writer = GGUFWriter(str(out), "llama")
    writer.add_name("tiny-random-llama")
    writer.add_context_length(context_length)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(1)  # MOSTLY_F16
    for key in _COPIED_SCALARS:
        field = reader.fields.get(key)
        if field is not None:
            writer.add_key_value(key, field.contents(), GGUFValueType(field.types[0]))
    for key in _COPIED_ARRAYS:
        field = reader.fields.get(key)
        if field is not None:
            writer.add_array(key, field.contents())
    writer.add_chat_template(TINY_CHAT_TEMPLATE)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.05).astype(np.float16)

    def ones(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.float32)

    writer.add_tensor("token_embd.weight", weight(n_vocab, n_embd))
    writer.add_tensor("output_norm.weight", ones(n_embd))
    kv_dim = n_head_kv * head_dim
    for i in range(n_layer):
        p = f"blk.{i}."
        writer.add_tensor(p + "attn_norm.weight", ones(n_embd))
        writer.add_tensor(p + "attn_q.weight", weight(n_embd, n_embd))
        writer.add_tensor(p + "attn_k.weight", weight(kv_dim, n_embd))
        writer.add_tensor(p + "attn_v.weight", weight(kv_dim, n_embd))
        writer.add_tensor(p + "attn_output.weight", weight(n_embd, n_embd))
        writer.add_tensor(p + "ffn_norm.weight", ones(n_embd))
        writer.add_tensor(p + "ffn_gate.weight", weight(n_ff, n_embd))
        writer.add_tensor(p + "ffn_up.weight", weight(n_ff, n_embd))
        writer.add_tensor(p + "ffn_down.weight", weight(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


if __name__ == "__main__":
    from analyzer.model.gguf_file import default_model_path

    source = Path(sys.argv[2]) if len(sys.argv) > 2 else default_model_path()
    print(write_tiny_model(Path(sys.argv[1]), source))
