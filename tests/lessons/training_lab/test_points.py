"""The lab's own points: edits applied to generated data, caps, the link text and the CSV file."""

import base64
import zlib
from dataclasses import replace

import numpy as np
import pytest

from engine import limits
from engine.csv_loader import load_csv
from engine.datasets import make_dataset
from engine.errors import UserInputError
from lessons.training_lab.data import make_lab_dataset
from lessons.training_lab.points import (
    MIN_POINTS,
    NO_EDITS,
    PointEdits,
    add_point,
    apply_edits,
    clear,
    dataset_csv,
    decode_edits,
    editor_points,
    encode_edits,
    limit_reached,
    not_editable_reason,
    point_classes,
    point_count,
    regenerate,
    remove_added,
    remove_generated,
)
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings

MOONS = make_dataset("moons", 40, 0.1, 0)


def test_added_points_join_the_generated_rows_with_their_class():
    edits = add_point(add_point(NO_EDITS, (0.5, -0.25, 1), 40), (-1.0, 2.0, 0), 40)
    data = apply_edits(MOONS, edits)
    assert data.n_samples == 42
    np.testing.assert_array_equal(data.X[:40], MOONS.X)
    np.testing.assert_array_equal(data.X[40:], [[0.5, -0.25], [-1.0, 2.0]])
    np.testing.assert_array_equal(data.Y[40:, 0], [1.0, 0.0])
    assert data.task == "binary" and data.feature_names == MOONS.feature_names


def test_removed_rows_leave_the_data_and_the_base_is_unchanged():
    edits = remove_generated(remove_generated(NO_EDITS, 3), 0)
    data = apply_edits(MOONS, edits)
    assert data.n_samples == 38
    np.testing.assert_array_equal(data.X, np.delete(MOONS.X, [0, 3], axis=0))
    assert MOONS.n_samples == 40


def test_added_points_can_be_removed_again():
    edits = add_point(add_point(NO_EDITS, (0.1, 0.2, 1), 40), (0.3, 0.4, 0), 40)
    assert remove_added(edits, 0).added == ((0.3, 0.4, 0.0),)
    with pytest.raises(UserInputError):
        remove_added(edits, 2)


def test_multiclass_points_are_one_hot_and_regression_points_are_values():
    blobs = make_dataset("three_blobs", 30, 0.1, 0)
    data = apply_edits(blobs, add_point(NO_EDITS, (0.0, 0.0, 2), 30))
    np.testing.assert_array_equal(data.Y[-1], [0.0, 0.0, 1.0])
    sine = make_dataset("sine", 20, 0.1, 0)
    data = apply_edits(sine, add_point(NO_EDITS, (1.5, -0.7), 20))
    np.testing.assert_array_equal(data.X[-1], [1.5])
    np.testing.assert_array_equal(data.Y[-1], [-0.7])


def test_points_that_do_not_fit_the_data_are_refused():
    with pytest.raises(UserInputError, match="class"):
        apply_edits(MOONS, PointEdits(added=((0.0, 0.0, 2.0),)))
    with pytest.raises(UserInputError, match="input"):
        apply_edits(MOONS, PointEdits(added=((0.0, 1.0),)))
    with pytest.raises(UserInputError, match="within"):
        add_point(NO_EDITS, (1e9, 0.0, 1), 40)
    with pytest.raises(UserInputError):
        add_point(NO_EDITS, (float("nan"), 0.0, 1), 40)


def test_clear_leaves_an_empty_plane_that_needs_a_few_points_to_train():
    edits = clear()
    assert point_count(40, edits) == 0
    assert len(editor_points(MOONS, edits).X) == 0
    with pytest.raises(UserInputError, match=f"at least {MIN_POINTS}"):
        apply_edits(MOONS, edits)
    for x in range(MIN_POINTS):
        edits = add_point(edits, (x, x, x % 2), 40)
    assert apply_edits(MOONS, edits).n_samples == MIN_POINTS


def test_regenerate_keeps_the_added_points_and_brings_the_generated_rows_back():
    edits = add_point(remove_generated(clear(), 1), (0.0, 0.0, 1), 40)
    again = regenerate(edits)
    assert again.added == edits.added and not again.cleared and not again.removed


def test_the_caps_show_the_limit_instead_of_adding():
    full = PointEdits(added=tuple((0.0, 0.0, 0.0) for _ in range(limits.MAX_ADDED_POINTS)))
    assert "remove one" in limit_reached(40, full)
    with pytest.raises(UserInputError, match=str(limits.MAX_ADDED_POINTS)):
        add_point(full, (0.0, 0.0, 1), 40)
    assert "most a dataset may hold" in limit_reached(limits.MAX_SAMPLES, NO_EDITS)
    assert limit_reached(limits.MAX_SAMPLES, remove_generated(NO_EDITS, 5)) is None


def test_removed_rows_beyond_fewer_samples_are_ignored():
    edits = remove_generated(remove_generated(NO_EDITS, 39), 2)
    fewer = make_dataset("moons", 20, 0.1, 0)
    assert apply_edits(fewer, edits).n_samples == 19


def test_editor_points_name_what_a_click_removes():
    edits = add_point(remove_generated(NO_EDITS, 0), (0.5, 0.5, 1), 40)
    points = editor_points(MOONS, edits)
    assert len(points.X) == 40
    assert points.index[0] == 1 and not points.added[0]
    assert points.added[-1] and points.index[-1] == 0 and points.target[-1] == 1.0
    np.testing.assert_array_equal(points.target[:39], MOONS.labels[1:])


def test_only_clickable_data_can_be_edited():
    assert not_editable_reason(MOONS) is None
    assert not_editable_reason(make_dataset("sine", 20, 0.1, 0)) is None
    assert "4 inputs" in not_editable_reason(make_dataset("housing", 20, 0.1, 0))
    assert "uploaded" in not_editable_reason(MOONS, uploaded=True)
    with pytest.raises(UserInputError):
        apply_edits(make_dataset("housing", 20, 0.1, 0), remove_generated(NO_EDITS, 1))


EDITS = [
    PointEdits(added=((0.5, -0.25, 1.0), (-1.0, 2.0, 0.0))),
    PointEdits(removed=frozenset({0, 3, 1999})),
    PointEdits(added=((1.5, -0.7),), cleared=True),
    PointEdits(added=((299.99, -300.0, 2.0),), removed=frozenset({7})),
]


@pytest.mark.parametrize("edits", EDITS)
def test_edits_round_trip_through_the_link_text(edits):
    text = encode_edits(edits)
    assert text and all(c.isalnum() or c in "-_" for c in text)
    assert decode_edits(text) == edits


def test_no_edits_encode_as_nothing_and_a_few_points_fit_a_link():
    assert encode_edits(NO_EDITS) == ""
    edits = NO_EDITS
    for k in range(20):
        edits = add_point(edits, (k / 10, -k / 7, k % 2), 40)
    assert len(encode_edits(edits)) <= 200


def _deflate(raw: bytes) -> str:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflater.compress(raw) + deflater.flush()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "abc",
        "x" * 9000,
        encode_edits(EDITS[0])[:-3],
        _deflate(b"\x02" + b"\x00" * 7),  # unknown version
        _deflate(b"\x01" + b"\x00" * 7),  # no edits at all
        _deflate(b"\x01\x02" + b"\x00" * 6),  # cleared is 2
        _deflate(b"\x01\x00\x01\x00\x00\x00\x00\x00" + b"\xd0\x07"),  # row 2000
        _deflate(b"\x01\x00\x02\x00\x00\x00\x00\x00" + b"\x05\x00\x00\x00"),  # row twice
        _deflate(b"\x01\x00\x00\x00\x05\x00\x01\x00" + b"\x00\x00" * 5),  # 5 values a point
        _deflate(b"\x01\x00\x00\x00\x03\x00\x01\x00" + b"\x00\x80\x00\x00\x00\x00"),  # -327.68
        _deflate(b"\x01\x00\x00\x00\x03\x00\xff\xff" + b"\x00\x00" * 6),  # too many points
        _deflate(b"\x01\x00" + b"\x00" * 5000),  # trailing bytes
    ],
)
def test_tampered_link_text_is_refused_with_a_message(text):
    with pytest.raises(UserInputError, match="points in the link"):
        decode_edits(text)


def test_huge_compressed_text_is_refused_without_inflating_it():
    with pytest.raises(UserInputError):
        decode_edits(_deflate(b"\x01\x00" + b"\x00" * 10_000_000)[:8000])


def test_the_lab_trains_on_the_edited_data_and_reset_keeps_it():
    edits = add_point(remove_generated(NO_EDITS, 0), (0.5, 0.5, 1), 200)
    settings = replace(LabSettings(), points=edits)
    run = build_run(settings)
    assert run.dataset.n_samples == 200
    assert make_lab_dataset(settings).n_samples == 200
    assert len(run.split.X_train) + len(run.split.X_test) == 200
    run.trainer.step(3)
    assert run.trainer.updates == 3
    assert build_run(LabSettings()).dataset.n_samples == 200
    np.testing.assert_array_equal(build_run(settings).dataset.X, run.dataset.X)


def test_one_class_data_still_trains():
    edits = clear()
    for k in range(6):
        edits = add_point(edits, (k / 5, k / 3, 0), 200)
    run = build_run(replace(LabSettings(), points=edits, test_fraction=0.0))
    run.trainer.run_epoch()
    assert np.isfinite(run.history.train_loss[-1])


@pytest.mark.parametrize(("name", "task"), [("moons", "binary"), ("sine", "regression")])
def test_the_csv_file_loads_back_as_the_same_data(name, task):
    base = make_dataset(name, 30, 0.1, 0)
    row = (0.25, 1.0, 1) if name == "moons" else (0.25, 1.0)
    data = apply_edits(base, add_point(remove_generated(NO_EDITS, 2), row, 30))
    loaded = load_csv(dataset_csv(data), data.target_names[0])
    assert loaded.task == task
    np.testing.assert_allclose(loaded.X, data.X)
    np.testing.assert_allclose(loaded.Y, data.Y)


def test_the_csv_file_of_three_classes_names_each_row_class():
    data = make_dataset("three_blobs", 30, 0.1, 0)
    text = dataset_csv(data)
    assert text.splitlines()[0] == "x1,x2,class"
    loaded = load_csv(text, "class")
    np.testing.assert_array_equal(loaded.Y[:, 0], data.labels)


def test_new_points_take_the_data_classes_or_a_value():
    assert point_classes(MOONS) == ("class 0", "class 1")
    assert point_classes(make_dataset("three_blobs", 30, 0.1, 0))[-1] == "class 2"
    assert point_classes(make_dataset("sine", 20, 0.1, 0)) == ()


def test_one_class_only_is_told_apart():
    one = editor_points(MOONS, add_point(clear(), (0.0, 0.0, 1), 40))
    assert one.one_class_only("binary") and one.n_generated == 0
    assert not editor_points(MOONS, NO_EDITS).one_class_only("binary")
    assert not editor_points(MOONS, clear()).one_class_only("binary")  # no points at all
