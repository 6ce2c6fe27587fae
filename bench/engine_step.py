"""Engine benchmark: time per training step with the full trace, against leaner loops.

Three implementations of one plain gradient-descent step on a batch, timed side by side:
- traced: `Network.train_step` (validates the batch, records every array in a StepTrace, checks
  the result is finite and applies the update). It is given the same X and Y arrays on every
  step, as a training loop does: from the second step on, the engine compares their bytes with
  the copies it checked instead of checking them again;
- lean NumPy: the same math written as a bare loop (the engine's activation and loss functions,
  derivatives from the activations, in-place updates) that records nothing;
- PyTorch: the same network in float64 with autograd on the CPU with one thread (only when
  torch is installed; it is an optional dependency of this benchmark and nothing else).
All three start from the same parameters and are checked to produce the same weights.

The implementations are interleaved in every repeat so machine noise hits them alike; the
table gives the median over repeats of microseconds per step, and the ratios.

A second table times `Trainer.step`, the update the training lab runs on Play: a mini-batch
step plus the history (train and test loss and accuracy on the whole data after each update).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.common import calls_for, fmt, median, time_per_call
from engine import Network, TrainConfig, Trainer, limits
from engine.activations import get_activation
from engine.losses import get_loss

CAPS = [limits.MAX_UNITS] * (limits.MAX_HIDDEN_LAYERS + 2)  # 16 inputs, 6 x 16 hidden, 16 outputs
LEARNING_RATE = 0.1


@dataclass(frozen=True)
class Case:
    """One network and batch size to time a step on."""

    label: str
    layer_sizes: tuple[int, ...]
    n_samples: int
    hidden: str  # activation of every hidden layer
    output: str
    loss: str

    @property
    def activations(self) -> list[str]:
        return [self.hidden] * (len(self.layer_sizes) - 2) + [self.output]


CASES = (
    Case("2-2-2, 1 sample (textbook)", (2, 2, 2), 1, "sigmoid", "sigmoid", "squared_error"),
    Case("2-2-1, 4 samples (XOR)", (2, 2, 1), 4, "sigmoid", "sigmoid", "squared_error"),
    Case("2-8-1, batch 32", (2, 8, 1), 32, "tanh", "sigmoid", "binary_cross_entropy"),
    Case("2-8-8-1, 200 samples", (2, 8, 8, 1), 200, "tanh", "sigmoid", "binary_cross_entropy"),
    Case("caps, batch 32, sigmoid", tuple(CAPS), 32, "sigmoid", "softmax", "cross_entropy"),
    Case("caps, 2000 samples, sigmoid", tuple(CAPS), 2000, "sigmoid", "softmax", "cross_entropy"),
    Case("caps, 2000 samples, ReLU", tuple(CAPS), 2000, "relu", "softmax", "cross_entropy"),
    Case("caps, 2000 samples, tanh", tuple(CAPS), 2000, "tanh", "linear", "mse"),
)


def make_batch(case: Case, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A random batch for `case`: X (N, n_inputs) standard normal, Y valid for its loss."""
    rng = np.random.default_rng(seed)
    n_out = case.layer_sizes[-1]
    X = rng.normal(size=(case.n_samples, case.layer_sizes[0]))
    if case.loss == "cross_entropy":
        Y = np.eye(n_out)[rng.integers(0, n_out, case.n_samples)]
    elif case.loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, size=(case.n_samples, n_out)).astype(np.float64)
    else:
        Y = rng.uniform(-1.0, 1.0, size=(case.n_samples, n_out))
    return X, Y


def make_network(case: Case, seed: int = 0) -> Network:
    init = "he" if case.hidden == "relu" else "xavier"
    return Network(list(case.layer_sizes), case.activations, loss=case.loss, init=init, seed=seed)


# --- the lean NumPy loop ---------------------------------------------------------------------


def _derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """f'(z), from the activation a = f(z) where that is cheaper (same values as df(z))."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    return get_activation(name).df(z)


def _output_delta(loss_name: str, output: str, Y_hat, Y, Z) -> np.ndarray:
    """dL/dZ of the output layer: (Y_hat - Y) / N for the two paired losses, else the chain rule."""
    if loss_name == "binary_cross_entropy" or loss_name == "cross_entropy":
        return (Y_hat - Y) / Y.shape[0]
    return get_loss(loss_name).grad(Y_hat, Y) * _derivative(output, Z, Y_hat)


def lean_step_factory(net: Network, X: np.ndarray, Y: np.ndarray, lr: float) -> Callable:
    """A function doing one gradient step on copies of `net`'s parameters, recording nothing.

    It returns the batch loss; its parameters are reachable as `.weights` and `.biases`.
    """
    weights = [W.copy() for W in net.weights]
    biases = [b.copy() for b in net.biases]
    functions = [get_activation(name).f for name in net.activations]
    names = list(net.activations)
    loss = get_loss(net.loss_name)
    n_layers = len(weights)

    def step() -> float:
        zs, activations = [], [X]
        a = X
        for W, b, f in zip(weights, biases, functions, strict=True):
            z = a @ W.T + b
            a = f(z)
            zs.append(z)
            activations.append(a)
        value = loss.value(a, Y, z)
        delta = _output_delta(net.loss_name, names[-1], a, Y, z)
        for index in reversed(range(n_layers)):
            dW = delta.T @ activations[index]
            db = delta.sum(axis=0)
            if index:
                below = index - 1
                delta = (delta @ weights[index]) * _derivative(
                    names[below], zs[below], activations[index]
                )
            weights[index] -= lr * dW
            biases[index] -= lr * db
        return value

    step.weights, step.biases = weights, biases
    return step


# --- PyTorch ---------------------------------------------------------------------------------


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def torch_step_factory(net: Network, X: np.ndarray, Y: np.ndarray, lr: float) -> Callable:
    """The same step in PyTorch (float64, autograd, one CPU thread); returns the batch loss."""
    import torch

    torch.set_num_threads(1)
    weights = [torch.tensor(W, requires_grad=True) for W in net.weights]
    biases = [torch.tensor(b, requires_grad=True) for b in net.biases]
    params = weights + biases
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    functions = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
        "linear": lambda z: z,
        "softmax": lambda z: torch.softmax(z, dim=1),
    }
    acts = [functions[name] for name in net.activations]
    n, k = Y.shape
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def loss_of(z, a):
        if net.loss_name == "squared_error":
            return 0.5 * ((a - Y_t) ** 2).sum() / n
        if net.loss_name == "mse":
            return ((a - Y_t) ** 2).sum() / (n * k)
        if net.loss_name == "binary_cross_entropy":
            return bce(z, Y_t, reduction="sum") / n
        return -(Y_t * torch.log_softmax(z, dim=1)).sum() / n

    def step() -> float:
        a = X_t
        for W, b, f in zip(weights, biases, acts, strict=True):
            z = torch.addmm(b, a, W.t())
            a = f(z)
        loss = loss_of(z, a)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.add_(g, alpha=-lr)
        return float(loss.detach())

    step.weights = weights
    step.biases = biases
    return step


# --- timing ----------------------------------------------------------------------------------


def implementations(case: Case, include_torch: bool) -> dict[str, Callable]:
    """name -> step function, each with its own copy of the same initial network."""
    X, Y = make_batch(case)
    traced_net = make_network(case)
    steps = {
        "traced": lambda: traced_net.train_step(X, Y, LEARNING_RATE),
        "lean": lean_step_factory(make_network(case), X, Y, LEARNING_RATE),
    }
    steps["traced"].net = traced_net
    if include_torch:
        steps["torch"] = torch_step_factory(make_network(case), X, Y, LEARNING_RATE)
    return steps


def parameters_after(case: Case, n_steps: int, include_torch: bool) -> dict[str, list]:
    """Weights of each implementation after `n_steps` steps from the same start."""
    steps = implementations(case, include_torch)
    result = {}
    for name, step in steps.items():
        for _ in range(n_steps):
            step()
        if name == "traced":
            result[name] = [W.copy() for W in step.net.weights]
        else:
            result[name] = [
                np.asarray(W.detach() if hasattr(W, "detach") else W) for W in step.weights
            ]
    return result


def same_results(case: Case, include_torch: bool, n_steps: int = 3) -> bool:
    """True when every implementation reaches the same weights (relative 1e-9)."""
    params = parameters_after(case, n_steps, include_torch)
    reference = params["traced"]
    return all(
        all(np.allclose(a, b, rtol=1e-9, atol=1e-12) for a, b in zip(reference, other, strict=True))
        for other in params.values()
    )


def time_case(case: Case, repeats: int, target_seconds: float, include_torch: bool) -> dict:
    """Median microseconds per step of each implementation, interleaved over `repeats`."""
    steps = implementations(case, include_torch)
    calls = {name: calls_for(step, target_seconds) for name, step in steps.items()}
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            samples[name].append(time_per_call(step, calls[name]) * 1e6)
    return {name: median(values) for name, values in samples.items()}


def time_trainer(label: str, sizes: list[int], n_samples: int, batch: int, repeats: int) -> dict:
    """Median microseconds per Trainer.step update (mini-batch step plus full history)."""
    hidden = ["tanh"] * (len(sizes) - 2)
    rng = np.random.default_rng(0)
    n_test = n_samples // 5
    X = rng.normal(size=(n_samples, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n_samples)] if sizes[-1] > 1 else None
    if Y is None:
        Y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float64)
        net = Network(sizes, hidden + ["sigmoid"], loss="binary_cross_entropy", seed=0)
        task = "binary"
    else:
        net = Network(sizes, hidden + ["softmax"], loss="cross_entropy", seed=0)
        task = "multiclass"
    updates_per_epoch = -(-(n_samples - n_test) // batch)
    epochs = min(limits.MAX_EPOCHS, limits.MAX_UPDATES // updates_per_epoch)
    config = TrainConfig(learning_rate=0.1, batch_size=batch, epochs=epochs)
    trainer = Trainer(net, X[n_test:], Y[n_test:], X[:n_test], Y[:n_test], config, task)
    calls = calls_for(trainer.step, 0.05, limit=2000)
    values = [time_per_call(trainer.step, calls) * 1e6 for _ in range(repeats)]
    return {"label": label, "us": median(values), "updates": trainer.updates}


TRAINER_CASES = (
    ("default lab: 2-8-1, 200 samples, batch 32", [2, 8, 1], 200, 32),
    ("caps, 2000 samples, batch 32", CAPS, 2000, 32),
    ("caps, 2000 samples, full batch", CAPS, 2000, 2000),
)


def run(quick: bool = False) -> dict:
    """Time every case; `quick` uses tiny repeat counts (for the smoke test)."""
    repeats = 2 if quick else 9
    target = 0.002 if quick else 0.05
    include_torch = torch_available()
    columns = ["case", "traced µs", "lean NumPy µs", "traced / lean"]
    if include_torch:
        columns += ["PyTorch µs", "traced / PyTorch"]
    columns += ["same weights", "budget"]
    rows, raw = [], []
    for case in CASES[:3] if quick else CASES:
        times = time_case(case, repeats, target, include_torch)
        ratio_lean = times["traced"] / times["lean"]
        row = {
            "case": case.label,
            "traced µs": fmt(times["traced"]),
            "lean NumPy µs": fmt(times["lean"]),
            "traced / lean": fmt(ratio_lean, 2),
            "same weights": "yes" if same_results(case, include_torch) else "NO",
        }
        ok = ratio_lean <= 1.5
        if include_torch:
            ratio_torch = times["traced"] / times["torch"]
            row["PyTorch µs"] = fmt(times["torch"])
            row["traced / PyTorch"] = fmt(ratio_torch, 2)
            ok = ok and ratio_torch < 1.0
        row["budget"] = "met" if ok else "MISSED"
        rows.append(row)
        raw.append({"case": case.label, "layer_sizes": case.layer_sizes, **times})
    trainer_rows = []
    for label, sizes, n_samples, batch in TRAINER_CASES[:1] if quick else TRAINER_CASES:
        result = time_trainer(label, sizes, n_samples, batch, repeats)
        trainer_rows.append({"Trainer.step": label, "µs per update": fmt(result["us"])})
        raw.append(result)
    notes = [
        "Budget: traced at most 1.5 x lean NumPy, and faster than PyTorch, for every size.",
        "caps = 16 inputs, 6 hidden layers of 16 units, 16 outputs (engine/limits.py).",
        "traced gets the same X and Y arrays every step: after the first, the engine compares"
        " their bytes with the copies it checked instead of checking them again.",
        "glibc malloc: " + _malloc_settings(),
    ]
    if not include_torch:
        notes.append("PyTorch is not installed: its column is left out.")
    return {
        "name": "engine",
        "title": "Engine: one training step (median µs per step)",
        "columns": columns,
        "rows": rows,
        "extra_tables": [
            {
                "title": "Training lab update: Trainer.step (median µs per update)",
                "columns": ["Trainer.step", "µs per update"],
                "rows": trainer_rows,
            }
        ],
        "notes": notes,
        "raw": raw,
    }


# What `make run`, deploy/production.env and the Dockerfile set: glibc keeps freed memory, so
# large NumPy temporaries do not pay fresh page faults on every step. `make bench` sets them too.
SERVER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "8388608", "MALLOC_TRIM_THRESHOLD_": "67108864"}


def _malloc_settings() -> str:
    """Which allocator settings this process runs with, for the notes of the results."""
    import os

    if all(os.environ.get(name) == value for name, value in SERVER_MALLOC.items()):
        return (
            "the server's settings ("
            + ", ".join(f"{k}={v}" for k, v in SERVER_MALLOC.items())
            + ")"
        )
    return "NOT the server's settings (run it through `make bench` to measure what the app runs)"
