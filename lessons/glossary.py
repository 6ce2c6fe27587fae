"""The glossary: every term the app uses, with a one-line meaning and the pages that show it.

Symbols (z, a, delta, ...) live in lessons/notation.py; this module holds the words. Pages are
named by their url path; PAGE_LINKS maps each to its file and title in app.py's navigation.
"""

from dataclasses import dataclass

from lessons.notation import SYMBOLS, Symbol

# url path -> (page file, title), as registered in app.py
PAGE_LINKS: dict[str, tuple[str, str]] = {
    "home": ("app_pages/home.py", "Home"),
    "step": ("app_pages/step_by_step.py", "Step by step"),
    "lab": ("app_pages/training_lab.py", "Training lab"),
    "activations": ("app_pages/activations.py", "Activation functions"),
    "chain-rule": ("app_pages/chain_rule.py", "Chain rule graph"),
    "learning-rate": ("app_pages/learning_rate.py", "Learning rate"),
    "worked-example": ("app_pages/worked_example.py", "Worked example"),
    "practice": ("app_pages/practice.py", "Practice"),
    "glossary": ("app_pages/glossary.py", "Glossary"),
}


@dataclass(frozen=True)
class Term:
    """One word of the glossary."""

    name: str
    meaning: str  # one line
    pages: tuple[str, ...]  # url paths (keys of PAGE_LINKS) of the pages that show it


TERMS: tuple[Term, ...] = (
    Term(
        "Backpropagation",
        "Computing the loss's gradient for every weight by applying the chain rule backwards,"
        " layer by layer, reusing each layer's deltas for the layer before it.",
        ("step", "worked-example", "chain-rule"),
    ),
    Term(
        "Forward pass",
        "Running an input through the network layer by layer: z = W a + b, then a = f(z).",
        ("step", "worked-example"),
    ),
    Term(
        "Loss",
        "One number saying how far the outputs are from the targets; training makes it small."
        " Here it is the mean over the N examples of a batch.",
        ("step", "lab", "worked-example"),
    ),
    Term(
        "Gradient",
        "The partial derivatives dL/dw of the loss with respect to every parameter: which way,"
        " and how steeply, the loss rises.",
        ("step", "chain-rule", "learning-rate"),
    ),
    Term(
        "Delta",
        "delta = dL/dz of one unit: how the loss changes with its pre-activation. Every weight"
        " gradient is a delta times the value the weight multiplies.",
        ("step", "worked-example", "practice"),
    ),
    Term(
        "Chain rule",
        "The derivative of a composition is the product of the local derivatives along the"
        " path; where paths meet, their contributions add up.",
        ("chain-rule", "step"),
    ),
    Term(
        "Gradient descent",
        "The update w_new = w - eta dL/dw applied to every weight and bias.",
        ("learning-rate", "step", "lab"),
    ),
    Term(
        "Learning rate",
        "eta, the step size of gradient descent: too small crawls, too large overshoots or"
        " diverges.",
        ("learning-rate", "lab", "practice"),
    ),
    Term(
        "Epoch",
        "One pass over the whole training set; with mini-batches it holds several updates.",
        ("lab",),
    ),
    Term(
        "Batch",
        "The N examples one update averages over. Full batch: all of them; mini-batch: a few;"
        " a single example: N = 1.",
        ("lab", "step"),
    ),
    Term(
        "Momentum",
        "An optimizer that keeps a running velocity of past gradients, so steps speed up along"
        " steady directions and damp zig-zags.",
        ("lab",),
    ),
    Term(
        "Adam",
        "An optimizer that scales each parameter's step by running averages of its gradient and"
        " squared gradient.",
        ("lab",),
    ),
    Term(
        "L2 regularisation",
        "Adds lambda times the sum of squared weights to the loss, pulling weights towards 0"
        " to limit overfitting.",
        ("lab",),
    ),
    Term(
        "Initialisation",
        "The random weights a network starts from: small and different, so units learn"
        " different things and sigmoids do not saturate.",
        ("activations", "lab"),
    ),
    Term(
        "Symmetry problem",
        "With all-equal starting weights every hidden unit computes and learns the same thing"
        " forever; random initialisation breaks the tie.",
        ("activations",),
    ),
    Term(
        "Xavier / He initialisation",
        "Xavier draws weights with variance 1/n_in (or 2/(n_in + n_out)) for sigmoid and tanh;"
        " He uses 2/n_in for ReLU. Both keep signals and gradients at a steady size.",
        ("activations", "lab"),
    ),
    Term(
        "Activation function",
        "The function f a unit applies to its pre-activation: a = f(z).",
        ("activations", "step"),
    ),
    Term(
        "Derivative",
        "f'(z), the slope of the activation at z; the backward pass multiplies by it once per"
        " layer.",
        ("activations", "practice"),
    ),
    Term(
        "Softmax",
        "Output activation that turns scores into probabilities summing to 1; paired with"
        " cross-entropy its output delta is (y_hat - y)/N.",
        ("activations", "step"),
    ),
    Term(
        "Vanishing gradient",
        "Gradients shrink layer by layer when each factor |w| f'(z) is below 1 (sigmoid's f' is"
        " at most 1/4), so early layers barely learn.",
        ("activations", "lab"),
    ),
    Term(
        "Exploding gradient",
        "Gradients grow layer by layer when the factors |w| f'(z) exceed 1, and updates blow up.",
        ("activations", "lab"),
    ),
    Term(
        "Dead ReLU",
        "A ReLU unit whose z is negative for every example: its slope is 0, so it never gets a"
        " gradient again.",
        ("activations", "practice"),
    ),
    Term(
        "Decision boundary",
        "The line or curve where a classifier's output crosses 0.5 (or the class changes).",
        ("lab",),
    ),
    Term(
        "Test fraction",
        "The share of the data held out of training, to check the network on examples it"
        " never saw.",
        ("lab",),
    ),
    Term(
        "Gradient norm",
        "The length (square root of the sum of squares) of a layer's gradient: how hard the"
        " layer is being pushed.",
        ("lab",),
    ),
    Term(
        "Overshoot / divergence",
        "A step so large it jumps past the minimum (overshoot); if each jump lands further"
        " away, the loss grows without bound (divergence).",
        ("learning-rate", "practice"),
    ),
)


def symbol_entries() -> tuple[Symbol, ...]:
    """Every symbol of the notation, in glossary order."""
    return SYMBOLS
