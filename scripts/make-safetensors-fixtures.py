#!/usr/bin/env python3
"""Writes the safetensors fixtures of Tests/Fixtures/checkpoints/ with the reference safetensors
library (pip install safetensors numpy; the same Rust writer torch's save_file uses, with the
{"format": "pt"} metadata transformers expects):

- reference_small.safetensors: F32, F16, F64 and I64 tensors whose values SafetensorsTests recomputes;
- torch_small.safetensors: the same tensors written by PyTorch (safetensors.torch.save_file), when torch
  is installed (it is not on CI machines, so the file is checked in);
- roberta_tiny/: config.json and model.safetensors holding the float32 weights of
  Tests/Fixtures/nlp/roberta_causal_lm_a.json under the names a transformers 4.2.2 checkpoint has,
  with the keys a loader must ignore: roberta.embeddings.position_ids (I64), the tied
  lm_head.decoder.* aliases and a roberta.pooler.* pair.
"""
import json, os, sys
import numpy as np
from safetensors.numpy import save_file

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")
out = os.path.join(root, "checkpoints")
os.makedirs(os.path.join(out, "roberta_tiny"), exist_ok=True)

small = {
    "matrix": (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1).astype(np.float32),
    "half": np.array([1.5, -2.25, 65504.0, 2.0 ** -14], dtype=np.float16),
    "double": np.array([[1 / 3, -2 / 3]], dtype=np.float64),
    "ids": np.arange(5, dtype=np.int64).reshape(1, 5),
}
save_file(small, os.path.join(out, "reference_small.safetensors"), metadata={"format": "pt"})
try:
    import torch
    from safetensors.torch import save_file as save_torch_file
    save_torch_file({name: torch.from_numpy(value) for name, value in small.items()},
                    os.path.join(out, "torch_small.safetensors"), metadata={"format": "pt"})
except ImportError:
    print("no torch: torch_small.safetensors left as it is")

fixture = json.load(open(os.path.join(root, "nlp", "roberta_causal_lm_a.json")))
tensors = {}
for p in fixture["params"]:
    tensors[p["name"]] = np.array(p["value"], dtype=np.float32).reshape(p["shape"])
config = dict(fixture["config"])
tensors["roberta.embeddings.position_ids"] = np.arange(config["max_position_embeddings"], dtype=np.int64).reshape(1, -1)
tensors["lm_head.decoder.weight"] = tensors["roberta.embeddings.word_embeddings.weight"].copy()
tensors["lm_head.decoder.bias"] = tensors["lm_head.bias"].copy()
h = config["hidden_size"]
tensors["roberta.pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
tensors["roberta.pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
save_file(tensors, os.path.join(out, "roberta_tiny", "model.safetensors"), metadata={"format": "pt"})
config["architectures"] = ["RobertaForCausalLM"]
json.dump(config, open(os.path.join(out, "roberta_tiny", "config.json"), "w"), indent=2, sort_keys=True)
print("wrote", out)
