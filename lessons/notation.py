"""The app's one notation, as data: every symbol a formula uses, what it means and where it
appears, and the few LaTeX forms that every page writes the same way.

Conventions (the same on every page):
- z = pre-activation (weighted sum plus bias), a = f(z) activation, L = loss (mean over the
  N examples of a batch), delta = dL/dz, eta = learning rate.
- A superscript in parentheses is the layer: z^(l), a^(l), W^(l), b^(l); layer 0 is the input,
  so a^(0) = x.
- Unit subscripts: j for the receiving unit (in layer l), k for the sending unit (in layer
  l - 1): w^(l)_jk is the weight from unit k of layer l - 1 into unit j of layer l.
- n counts the examples of a batch (1..N).
- The one update form: w_new = w - eta dL/dw (and b_new = b - eta dL/db).

`symbols_in(latex)` reads the symbols out of a LaTeX formula, so that a page (and the tests)
can list exactly the symbols its formulas use.
"""

import re
from dataclasses import dataclass

UPDATE_RULE = r"w_{\text{new}} = w - \eta\,\frac{\partial L}{\partial w}"
BIAS_UPDATE_RULE = r"b_{\text{new}} = b - \eta\,\frac{\partial L}{\partial b}"


def new_value(symbol: str) -> str:
    """LaTeX of the value of `symbol` after the update: w^{(2)}_{12} -> w^{(2)}_{12,\\,new}.

    The new value always carries 'new' in its subscript, so it never shares a symbol with
    the old value.
    """
    match = re.fullmatch(r"(.*)_\{(.*)\}", symbol)
    if match:
        return rf"{match.group(1)}_{{{match.group(2)},\,\text{{new}}}}"
    return rf"{symbol}_{{\text{{new}}}}"


def weight(layer: int, j: int, k: int) -> str:
    """LaTeX of w^{(layer)}_{jk}, with 1-based unit numbers j (receiving) and k (sending)."""
    return f"w^{{({layer})}}_{{{j}{k}}}"


@dataclass(frozen=True)
class Symbol:
    """One symbol of the notation."""

    token: str  # what symbols_in() returns for it (a letter, a LaTeX command or a word)
    latex: str  # how it is written
    meaning: str  # one line
    pages: tuple[str, ...]  # url paths of the pages whose formulas use it


STEP, LAB, ACT, CHAIN, RATE, WORKED, PRACTICE, GLOSSARY = (
    "step",
    "lab",
    "activations",
    "chain-rule",
    "learning-rate",
    "worked-example",
    "practice",
    "glossary",
)

SYMBOLS: tuple[Symbol, ...] = (
    Symbol("x", "x_k", "Input k of the network (the activation of layer 0).", (STEP, PRACTICE)),
    Symbol("y", "y_j", "Target: the value output j should produce.", (STEP, PRACTICE)),
    Symbol(
        r"\hat",
        r"\hat y_j",
        "The network's output j, the activation of the last layer (y hat).",
        (STEP, PRACTICE, CHAIN),
    ),
    Symbol(
        "z",
        "z^{(l)}_j",
        "Pre-activation of unit j in layer l: its weighted inputs plus its bias.",
        (STEP, PRACTICE, ACT, CHAIN),
    ),
    Symbol("Z", "Z", "All pre-activations of a layer for a batch, one row per example.", (STEP,)),
    Symbol(
        "a",
        "a^{(l)}_j",
        "Activation (output) of unit j in layer l: a = f(z). a^(0) is the input x.",
        (STEP, PRACTICE, ACT),
    ),
    Symbol("A", "A", "All activations of a layer for a batch, one row per example.", (STEP,)),
    Symbol(
        "f",
        "f, f'",
        "The activation function of a layer and its derivative (slope) f'(z).",
        (STEP, PRACTICE, ACT),
    ),
    Symbol(
        "w",
        "w^{(l)}_{jk}",
        "Weight from unit k of layer l-1 into unit j of layer l.",
        (STEP, PRACTICE, WORKED),
    ),
    Symbol(
        "W",
        "W^{(l)}",
        "Weight matrix of layer l: row j holds the weights into unit j.",
        (STEP, PRACTICE),
    ),
    Symbol("b", "b^{(l)}_j", "Bias of unit j in layer l.", (STEP, PRACTICE, WORKED)),
    Symbol(
        "L",
        "L",
        "Loss: one number for how wrong the outputs are, the mean over the N examples.",
        (STEP, PRACTICE, CHAIN, RATE),
    ),
    Symbol(
        r"\delta",
        r"\delta^{(l)}_j",
        "Delta of unit j in layer l: dL/dz, how the loss changes with its pre-activation."
        " With two unit indices, delta_kj is the Kronecker delta (1 if k = j, else 0).",
        (STEP, PRACTICE, WORKED),
    ),
    Symbol(
        r"\eta",
        r"\eta",
        "Learning rate: the step size of gradient descent.",
        (STEP, PRACTICE, RATE, WORKED),
    ),
    Symbol(
        r"\partial",
        r"\frac{\partial L}{\partial w}",
        "Partial derivative: how L changes when only w changes (the gradient of w).",
        (STEP, PRACTICE, CHAIN, WORKED),
    ),
    Symbol("j", "j", "Index of the receiving unit (in layer l).", (STEP, PRACTICE)),
    Symbol("k", "k", "Index of the sending unit (in layer l-1), or of an output.", (STEP,)),
    Symbol("l", "(l)", "Layer number, in parentheses as a superscript; 0 is the input.", (STEP,)),
    Symbol("n", "n", "Index of an example in a batch (1..N).", (STEP,)),
    Symbol("N", "N", "Batch size: how many examples one update averages over.", (STEP, LAB)),
    Symbol("K", "K", "Number of outputs.", (STEP,)),
    Symbol(r"\sigma", r"\sigma(z)", "The sigmoid function 1 / (1 + e^-z).", (ACT, WORKED)),
    Symbol(r"\tanh", r"\tanh(z)", "Hyperbolic tangent, an S-shaped function onto (-1, 1).", (ACT,)),
    Symbol("ReLU", r"\mathrm{ReLU}(z)", "Rectified linear unit max(0, z).", (ACT,)),
    Symbol("LeakyReLU", r"\mathrm{LeakyReLU}(z)", "ReLU with slope 0.01 for z < 0.", (ACT,)),
    Symbol(
        "softmax",
        r"\mathrm{softmax}(z)_k",
        "Turns a layer's scores into probabilities that sum to 1 (output layer only).",
        (ACT, STEP),
    ),
    Symbol(r"\max", r"\max", "The larger of its arguments.", (ACT,)),
    Symbol("e", "e", "Euler's number 2.71828..., the base of the exponential.", (ACT, WORKED)),
    Symbol(r"\log", r"\log", "Natural logarithm (base e), in the cross-entropy losses.", (STEP,)),
    Symbol(r"\sum", r"\sum", "Sum over the index written under it.", (STEP, PRACTICE)),
    Symbol(r"\odot", r"\odot", "Elementwise product of two vectors of the same shape.", (STEP,)),
    Symbol(r"\top", r"W^{\top}", "Transpose: rows become columns.", (STEP,)),
    Symbol("new", r"w_{\text{new}}", "The value after the update: w_new = w - eta dL/dw.", ()),
    Symbol("i", "i_1, i_2", "Worked example: the inputs (the app's x_1, x_2).", (WORKED,)),
    Symbol(
        "h",
        "h_1, h_2",
        "Worked example: the hidden units (layer 1). On the chain-rule graph h = f(z_1) is the"
        " hidden unit's activation, the app's a.",
        (WORKED, CHAIN),
    ),
    Symbol("o", "o_1, o_2", "Worked example: the output units (layer 2).", (WORKED,)),
    Symbol("net", r"\mathrm{net}_{h_1}", "Worked example: net input, the app's z.", (WORKED,)),
    Symbol("out", r"\mathrm{out}_{h_1}", "Worked example: output, the app's a.", (WORKED,)),
    Symbol(
        "target", r"\mathrm{target}_{o_1}", "Worked example: the target, the app's y.", (WORKED,)
    ),
    Symbol(
        "E",
        "E",
        "Worked example: the error, the app's loss L (E_total sums E_o1, E_o2).",
        (WORKED,),
    ),
    Symbol(
        "total",
        r"E_{\mathrm{total}}",
        "Worked example: the total error over the outputs.",
        (WORKED,),
    ),
)

SYMBOLS_BY_TOKEN = {symbol.token: symbol for symbol in SYMBOLS}

# LaTeX commands that are layout, spacing or operators with no meaning to explain.
_LAYOUT_COMMANDS = {
    "begin", "end", "frac", "dfrac", "tfrac", "cdot", "times", "quad", "qquad", "left", "right",
    "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "cdots", "ldots", "dots",
    "small", "underbrace", "overbrace", "boldsymbol", "mathbf", "displaystyle", "le", "ge",
    "leq", "geq", "neq", "approx", "to", "rightarrow", "leftarrow", "cases", "pmatrix",
    "bmatrix", "aligned", "gathered", "limits", "prime", "tag", "vphantom", "phantom", "color",
    "textstyle", "scriptstyle", "bullet", "mid", "in", "pm", "infty",
}  # fmt: skip
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[a-z*]+\}")
_PROSE = re.compile(r"\\text(?:bf|it|rm)?\{[^{}]*\}")
_NAMED = re.compile(r"\\(?:mathrm|operatorname)\{([A-Za-z]+)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_LETTER = re.compile(r"[A-Za-z]")


def symbols_in(latex: str) -> set[str]:
    """The symbol tokens a LaTeX formula uses: single letters (z, w, L), Greek and operator
    commands (\\delta, \\eta, \\partial) and upright names (net, softmax).

    Numbers, spacing and layout commands are left out; so is text inside \\text{...} (prose)
    except 'new', the mark of an updated value.
    """
    found: set[str] = set()
    if re.search(r"\\text\{[^{}]*new[^{}]*\}", latex):
        found.add("new")
    rest = _ENVIRONMENT.sub(" ", latex)
    rest = _PROSE.sub(" ", rest)
    for name in _NAMED.findall(rest):
        found.add(name)
    rest = _NAMED.sub(" ", rest)
    for command in _COMMAND.findall(rest):
        if command not in _LAYOUT_COMMANDS:
            found.add("\\" + command)
    rest = _COMMAND.sub(" ", rest)
    found.update(_LETTER.findall(rest))
    return found


def glossary_symbols(latex_blocks) -> list[Symbol]:
    """The Symbol entries for every known symbol used in `latex_blocks`, in glossary order."""
    used: set[str] = set()
    for block in latex_blocks:
        used |= symbols_in(block)
    return [symbol for symbol in SYMBOLS if symbol.token in used]
