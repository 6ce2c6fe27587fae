"""Generated datasets, the train/test split and the CSV loader."""

import numpy as np
import pytest

from engine import GENERATORS, limits, load_csv, make_dataset, read_csv_table, train_test_split
from engine.datasets import xor_table


@pytest.mark.parametrize("name", GENERATORS)
def test_dataset_shapes_and_dtypes(name):
    data = make_dataset(name, n_samples=120, noise=0.1, seed=1)
    assert data.X.dtype == np.float64 and data.Y.dtype == np.float64
    assert data.X.shape == (120, len(data.feature_names))
    assert data.Y.shape == (120, len(data.target_names))
    assert np.all(np.isfinite(data.X)) and np.all(np.isfinite(data.Y))


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(name):
    first = make_dataset(name, n_samples=60, seed=7)
    again = make_dataset(name, n_samples=60, seed=7)
    other = make_dataset(name, n_samples=60, seed=8)
    assert np.array_equal(first.X, again.X) and np.array_equal(first.Y, again.Y)
    assert not np.array_equal(first.X, other.X)


CLASSIFICATION = [n for n in GENERATORS if make_dataset(n, n_samples=4).task != "regression"]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_balanced(name):
    data = make_dataset(name, n_samples=150, seed=2)
    counts = np.bincount(data.labels)
    assert counts.max() - counts.min() <= 1
    assert len(counts) == (3 if data.task == "multiclass" else 2)


def test_three_blobs_targets_are_one_hot():
    data = make_dataset("three_blobs", n_samples=90)
    assert np.array_equal(data.Y.sum(axis=1), np.ones(90))
    assert set(np.unique(data.Y)) == {0.0, 1.0}


def test_housing_has_named_columns_and_a_positive_price():
    data = make_dataset("housing", n_samples=100)
    assert data.feature_names == ("size_m2", "location_score", "rooms", "age_years")
    assert data.target_names == ("price_k",) and data.task == "regression"
    assert np.all(data.Y > 0)
    # Bigger houses cost more, all else noisy: the correlation must be clearly positive.
    assert np.corrcoef(data.X[:, 0], data.Y[:, 0])[0, 1] > 0.5


def test_xor_table_is_the_truth_table():
    data = xor_table()
    assert data.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert data.Y.ravel().tolist() == [0, 1, 1, 0]


def test_split_holds_out_the_fraction_and_standardises_with_training_rows():
    data = make_dataset("housing", n_samples=200, seed=3)
    split = train_test_split(data, test_fraction=0.25, seed=0)
    assert split.X_train.shape == (150, 4) and split.X_test.shape == (50, 4)
    assert np.allclose(split.X_train.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(split.X_train.std(axis=0), 1)
    assert np.allclose(split.Y_train.mean(), 0, atol=1e-12)  # regression target scaled too
    restored = split.y_scaler.inverse(split.Y_test)
    assert np.all(restored > 0)


CSV_OK = "size,rooms,price\n50,2,150\n80,3,210\n120,4,300\n60,2,170\n"


def test_load_csv_reads_named_columns_and_target():
    data = load_csv(CSV_OK.encode(), target="price")
    assert data.feature_names == ("size", "rooms") and data.target_names == ("price",)
    assert data.X.tolist() == [[50, 2], [80, 3], [120, 4], [60, 2]]
    assert data.Y.ravel().tolist() == [150, 210, 300, 170]
    assert data.task == "regression"


def test_load_csv_detects_a_binary_target():
    data = load_csv("a,b,label\n1,2,0\n2,3,1\n3,1,0\n0,0,1\n", target="label")
    assert data.task == "binary"


@pytest.mark.parametrize(
    ("text", "target", "message"),
    [
        (b"", "price", "The file is empty"),
        (b"   \n\n", "price", "The file is empty"),
        (b",,\n , ,\n", "price", "The file has no values"),
        (b"size,price\n", "price", "no data rows"),
        (b"size,price\n1,abc\n", "price", "Row 2, column 'price' is not a number: 'abc'"),
        (b"size,price\n1,\n", "price", "Row 2, column 'price' is empty"),
        (b"size,price\n1,2,3\n", "price", "Row 2 has 3 cells"),
        (b"size,price\n1,nan\n", "price", "must be a finite number"),
        (b"size,price\n1,2\n2,3\n3,4\n4,5\n", "cost", "There is no column 'cost'"),
        (b"price\n1\n", "price", "at least two columns"),
        (b"size,size\n1,2\n", "size", "names must differ"),
        (b"\xff\xfe\x00bad", "price", "not UTF-8"),
        (b"x" * (limits.MAX_CSV_BYTES + 1), "price", "at most 1,000,000 bytes"),
        (("a,b\n" + "1,2\n" * (limits.MAX_CSV_ROWS + 1)).encode(), "b", "data rows; at most"),
    ],
)
def test_bad_csv_files_get_clear_messages(text, target, message):
    with pytest.raises(ValueError, match=message):
        load_csv(text, target=target)


def test_read_csv_table_returns_header_and_numbers():
    header, table = read_csv_table("x,y\n1.5,2\n-3,4e2\n")
    assert header == ["x", "y"] and table.tolist() == [[1.5, 2.0], [-3.0, 400.0]]
