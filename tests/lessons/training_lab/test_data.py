"""lessons.training_lab.data: an uploaded CSV file is validated by the engine's loader."""

import pytest

from lessons.training_lab.data import csv_columns, dataset_from_upload


def test_csv_helpers_validate_with_the_engine_loader():
    good = b"a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n"
    assert csv_columns(good) == ["a", "b", "y"]
    dataset = dataset_from_upload(good, "y")
    assert dataset.task == "binary" and dataset.feature_names == ("a", "b")
    for content, message in (
        (b"", "empty"),
        (b"a,y\n1,x\n2,3\n3,4\n5,6\n", "not a number"),
        (b"a\n1\n2\n", "two columns"),
        (b"a,y\n1,\n2,3\n3,4\n5,6\n", "empty"),
        (b"a,y\n" + b"1.000000,2.000000\n" * 60_000, "bytes"),
        (b",,,\n,,,\n", "header row"),  # older loaders raised IndexError here
    ):
        with pytest.raises(ValueError, match=message):
            dataset_from_upload(content, "y")
    with pytest.raises(ValueError, match="header row"):
        csv_columns(b",,\n")
    with pytest.raises(ValueError, match="no column 'price'"):
        dataset_from_upload(good, "price")
