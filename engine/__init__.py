"""Backprop Lab's engine: NumPy networks whose every training number is recorded.

Pure NumPy and the standard library; nothing here knows about Streamlit or Plotly.
"""

from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from engine.csv_loader import load_csv, read_csv_table
from engine.datasets import GENERATORS, Dataset, Split, make_dataset, train_test_split
from engine.errors import UserInputError
from engine.gradcheck import numerical_gradients, numerical_weight_gradient
from engine.init import INITIALISERS
from engine.losses import LOSSES, Loss
from engine.network import Network
from engine.optimizers import OPTIMIZERS
from engine.trace import LayerTrace, StepTrace
from engine.train import History, Snapshot, TrainConfig, Trainer, network_at

__all__ = [
    "ACTIVATIONS",
    "GENERATORS",
    "HIDDEN_ACTIVATIONS",
    "INITIALISERS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "Activation",
    "Dataset",
    "History",
    "LayerTrace",
    "Loss",
    "Network",
    "Snapshot",
    "Split",
    "StepTrace",
    "TrainConfig",
    "Trainer",
    "UserInputError",
    "load_csv",
    "make_dataset",
    "network_at",
    "numerical_gradients",
    "numerical_weight_gradient",
    "read_csv_table",
    "train_test_split",
]
