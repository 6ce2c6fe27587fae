"""Every public entry point rejects bad input with a ValueError that says what is allowed."""

import numpy as np
import pytest

from engine import Network, TrainConfig, Trainer, limits, make_dataset, train_test_split


def net_221(loss="squared_error", output="sigmoid"):
    return Network([2, 2, 1], ["tanh", output], loss=loss, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activations": ["tanh", "swish"]}, "Unknown activation 'swish'; choose one of"),
        ({"loss": "hinge"}, "Unknown loss 'hinge'; choose one of"),
        ({"activations": ["softmax", "softmax"], "layer_sizes": [2, 2, 2],
          "loss": "cross_entropy"}, "Softmax is allowed only on the output layer"),
        ({"activations": ["tanh", "sigmoid"], "loss": "cross_entropy"},
         "needs a softmax output layer"),
        ({"activations": ["tanh", "tanh"], "loss": "binary_cross_entropy"},
         "needs a sigmoid output layer"),
        ({"activations": ["tanh", "softmax"], "layer_sizes": [2, 2, 2], "loss": "mse"},
         "must be trained with the cross_entropy loss"),
        ({"activations": ["tanh"]}, "Give one activation per layer after the input"),
        ({"layer_sizes": [2]}, "at least an input and an output layer"),
        ({"layer_sizes": [2, limits.MAX_UNITS + 1, 1]}, f"must be from 1 to {limits.MAX_UNITS}"),
        ({"layer_sizes": [2, 0, 1]}, "must be from 1 to"),
        ({"layer_sizes": [2] + [3] * (limits.MAX_HIDDEN_LAYERS + 1) + [1],
          "activations": ["tanh"] * (limits.MAX_HIDDEN_LAYERS + 2)},
         f"at most {limits.MAX_HIDDEN_LAYERS} hidden layers"),
        ({"init": "random"}, "Unknown initialisation 'random'"),
        ({"seed": -1}, "Seed must be from 0"),
    ],
)  # fmt: skip
def test_bad_architecture_is_rejected(kwargs, message):
    arguments = {"layer_sizes": [2, 2, 1], "activations": ["tanh", "sigmoid"],
                 "loss": "squared_error"} | kwargs  # fmt: skip
    with pytest.raises(ValueError, match=message):
        Network(**arguments)


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        ([[1.0, 2.0, 3.0]], [[1.0]], "Inputs X has 3 column"),
        ([[1.0, 2.0]], [[1.0, 0.0]], "Targets Y has 2 column"),
        ([[1.0, 2.0], [3.0, 4.0]], [[1.0]], "Inputs have 2 row"),
        ([[np.nan, 2.0]], [[1.0]], "Inputs X contains NaN or infinite"),
        ([[1.0, np.inf]], [[1.0]], "Inputs X contains NaN or infinite"),
        ([[1.0, 2.0]], [[np.nan]], "Targets Y contains NaN"),
        ([[1e9, 2.0]], [[1.0]], "larger than"),
        ([[1.0, "a"]], [[1.0]], "must contain only numbers"),
        ([1.0, 2.0], [[1.0]], "must be a table of shape"),
        (np.empty((0, 2)), np.empty((0, 1)), "is empty"),
        (np.zeros((limits.MAX_SAMPLES + 1, 2)), np.zeros((limits.MAX_SAMPLES + 1, 1)),
         f"at most {limits.MAX_SAMPLES}"),
    ],
)  # fmt: skip
def test_bad_data_is_rejected(X, Y, message):
    with pytest.raises(ValueError, match=message):
        net_221().compute_trace(X, Y)


@pytest.mark.parametrize("learning_rate", [0, -0.1, np.nan, np.inf, limits.MAX_LEARNING_RATE * 2,
                                           "fast"])  # fmt: skip
def test_bad_learning_rate_is_rejected(learning_rate):
    with pytest.raises(ValueError, match="learning rate must be"):
        net_221().train_step([[1.0, 2.0]], [[1.0]], learning_rate=learning_rate)


def test_cross_entropy_targets_must_be_one_hot():
    net = Network([2, 3], ["softmax"], loss="cross_entropy")
    with pytest.raises(ValueError, match="one-hot"):
        net.compute_trace([[1.0, 2.0]], [[1.0, 1.0, 0.0]])


def test_binary_cross_entropy_targets_must_be_probabilities():
    with pytest.raises(ValueError, match="between 0 and 1"):
        net_221(loss="binary_cross_entropy").compute_trace([[1.0, 2.0]], [[2.0]])


@pytest.mark.parametrize(
    ("weights", "biases", "message"),
    [
        ([[[1.0, 2.0]]], [[1.0], [2.0]], "one bias vector per weight matrix"),
        ([[[1.0, 2.0]]], [[1.0, 2.0]], "must be a list of 1 numbers"),
        ([[[1.0, 2.0]], [[1.0, 2.0]]], [[1.0], [1.0]], "have 2 column"),
        ([[[np.nan, 2.0]]], [[1.0]], "contains NaN"),
        ([[[1.0, 2.0]]], [[np.inf]], "contains NaN"),
        ([], [], "at least one weight matrix"),
    ],
)
def test_bad_parameters_are_rejected(weights, biases, message):
    with pytest.raises(ValueError, match=message):
        Network.from_parameters(weights, biases, ["sigmoid"] * max(len(weights), 1))


def test_set_parameters_rejects_a_different_shape():
    with pytest.raises(ValueError, match="Expected parameters for layers"):
        net_221().set_parameters([np.ones((3, 2)), np.ones((1, 3))], [np.ones(3), np.ones(1)])


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (TrainConfig(epochs=0), "Epochs must be from 1"),
        (TrainConfig(epochs=limits.MAX_EPOCHS + 1), f"to {limits.MAX_EPOCHS}"),
        (TrainConfig(batch_size=0), "Batch size must be from 1"),
        (TrainConfig(optimizer="rmsprop"), "Unknown optimizer 'rmsprop'"),
        (TrainConfig(l2=-1.0), "L2 penalty must be from 0"),
        (TrainConfig(learning_rate=0.0), "learning rate must be"),
        (TrainConfig(epochs=500, batch_size=1), "updates; at most"),
    ],
)
def test_bad_training_config_is_rejected(config, message):
    split = train_test_split(make_dataset("xor", n_samples=200), 0.2)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=message):
        Trainer(net, split.X_train, split.Y_train, split.X_test, split.Y_test, config, "binary")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "swirl"}, "Unknown dataset 'swirl'"),
        ({"name": "xor", "n_samples": limits.MAX_SAMPLES + 1}, "Number of samples must be"),
        ({"name": "xor", "n_samples": 2}, "Number of samples must be"),
        ({"name": "xor", "noise": -0.5}, "Noise must be from 0"),
        ({"name": "xor", "noise": 5.0}, "Noise must be from 0"),
    ],
)
def test_bad_dataset_request_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)
