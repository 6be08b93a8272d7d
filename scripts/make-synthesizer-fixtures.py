#!/usr/bin/env python3
"""Writes Tests/Fixtures/torch/: the LSTM and GRU gradient synthesizers of alt_sg.md §4.1 (items 1, 2, 4
and 6) computed by PyTorch's own nn.LSTM and nn.GRU in float64, as references for our Synthesizer.
No case of the original code covers these two types (its fixtures have only the QRNN synthesizer), so
this checks what a finite difference cannot: PyTorch's gate order and formulas (the GRU's reset gate
applied after the recurrent bias), the one-step, element-per-batch-entry layout and the carried state.

Each case: N = B·S elements, n units, m layers (single-layer modules sg.rnns.l, as the original's
ModuleList), a given carried state per layer, the input noise and the dropout masks between layers
recorded, two calls in a row (the second from the state the first left), and the backward of the second
call's output against a given upstream gradient. Format as Tests/Fixtures/altsg (shared/fixtures/models/
README.md): row-major, float64 values that round-trip, sizes read from the file.

    python3 -m venv /tmp/benchenv && /tmp/benchenv/bin/pip install torch
    /tmp/benchenv/bin/python scripts/make-synthesizer-fixtures.py
"""
import json, os
import torch

torch.set_default_dtype(torch.float64)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "torch")
os.makedirs(out, exist_ok=True)


def tensor(t):
    return {"shape": list(t.shape), "value": [float(x) for x in t.detach().reshape(-1).tolist()]}


def named(name, t):
    return {"name": name, **tensor(t)}


def case(file, sgtype, streams, state_size, n, layers, dropout, seed):
    torch.manual_seed(seed)
    count = streams * state_size
    encoder = torch.nn.Linear(1, n)
    module = torch.nn.LSTM if sgtype == "lstm" else torch.nn.GRU
    rnns = torch.nn.ModuleList([module(n, n, 1, batch_first=True) for _ in range(layers)])
    decoder = torch.nn.Linear(n, 1)
    with torch.no_grad():  # larger than PyTorch's default ranges, so every gate is away from its linear part
        for p in list(encoder.parameters()) + list(rnns.parameters()) + list(decoder.parameters()):
            p.uniform_(-0.8, 0.8)
    params = [("sg.encoder.weight", encoder.weight), ("sg.encoder.bias", encoder.bias)]
    for l, rnn in enumerate(rnns):
        params += [(f"sg.rnns.{l}.{k}", getattr(rnn, k)) for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]
    params += [("sg.decoder.weight", decoder.weight), ("sg.decoder.bias", decoder.bias)]

    def state_tensors():
        return [torch.randn(1, count, n) * 0.6 for _ in range(layers)]

    hidden = state_tensors()
    cells = state_tensors() if sgtype == "lstm" else []
    initial = {"h": [tensor(h[0]) for h in hidden], "c": [tensor(c[0]) for c in cells]}

    def call(trigger):
        noise = 1 + 0.5 * torch.randn(count)
        masks = [(torch.rand(count, n) >= dropout).double() / (1 - dropout) for _ in range(layers - 1)] if dropout > 0 else []
        x = encoder((trigger * noise).reshape(count, 1, 1))  # N sequences of length 1, batch first
        new_hidden, new_cells = [], []
        for l, rnn in enumerate(rnns):
            if sgtype == "lstm":
                x, (h, c) = rnn(x, (hidden[l], cells[l]))
                new_cells.append(c.detach())
            else:
                x, h = rnn(x, hidden[l])
            new_hidden.append(h.detach())
            if l < layers - 1 and masks:
                x = x * masks[l].reshape(count, 1, n)
        output = decoder(x).reshape(count)
        record = {"trigger": tensor(trigger), "noise": tensor(noise), "dropout_masks": [tensor(m) for m in masks],
                  "output": tensor(output),
                  "state_after": {"h": [tensor(h[0]) for h in new_hidden], "c": [tensor(c[0]) for c in new_cells]}}
        return output, record, new_hidden, new_cells

    _, first, hidden, cells = call(torch.randn(count))
    output, second, _, _ = call(torch.randn(count))
    upstream = torch.randn(count)
    (output * upstream).sum().backward()
    data = {
        "id": file, "model": "rnn_synthesizer", "format_version": 1,
        "description": f"{sgtype.upper()} gradient synthesizer (alt_sg.md §4.1): N = {streams}·{state_size} elements, n {n}, "
                       f"{layers} single-layer torch.nn.{module.__name__} modules (batch_first, one step, every element its own "
                       f"batch entry), dropout {dropout} between layers, encoder Linear(1, n), decoder Linear(n, 1). Two calls from a "
                       "given carried state; grads of the second call's Σ upstream ⊙ output.",
        "sg_config": {"sgtype": sgtype, "nhid": n, "nlayers": layers, "dropout": dropout},
        "dtype": "float64",
        "sg_params": [named(name, p) for name, p in params],
        "initial_state": initial,
        "calls": [first, second],
        "upstream": tensor(upstream),
        "sg_grads": [named(name, p.grad) for name, p in params],
        "source": {"generator": "scripts/make-synthesizer-fixtures.py (PyTorch twin of the spec, not the original code)",
                   "torch": torch.__version__},
    }
    with open(os.path.join(out, file + ".json"), "w") as f:
        json.dump(data, f)


case("synthesizer_gru_a", "gru", streams=2, state_size=3, n=4, layers=2, dropout=0.3, seed=1)
case("synthesizer_lstm_a", "lstm", streams=2, state_size=3, n=4, layers=2, dropout=0.3, seed=2)
case("synthesizer_gru_b", "gru", streams=3, state_size=2, n=5, layers=1, dropout=0.0, seed=3)
case("synthesizer_lstm_b", "lstm", streams=1, state_size=5, n=3, layers=3, dropout=0.5, seed=4)
