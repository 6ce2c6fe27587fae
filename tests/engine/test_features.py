"""engine.features: each feature is its formula of (x1, x2), in the order of FEATURES."""

import numpy as np
import pytest

from engine.errors import UserInputError
from engine.features import FEATURES, check_features, expand


def test_every_feature_is_its_formula():
    X = np.array([[0.5, -2.0], [1.5, 3.0]])
    columns = expand(X, list(FEATURES))
    x1, x2 = X[:, 0], X[:, 1]
    expected = [x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)]
    np.testing.assert_allclose(columns, np.column_stack(expected))


def test_chosen_features_are_put_in_a_fixed_order_and_checked():
    assert check_features(["sin(x2)", "x1"]) == ("x1", "sin(x2)")
    with pytest.raises(UserInputError):
        check_features([])
    with pytest.raises(UserInputError):
        check_features(["x1", "cos(x1)"])
    with pytest.raises(UserInputError):
        expand(np.zeros((3, 1)), ["x1"])
