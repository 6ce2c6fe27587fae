"""lessons.training_lab.classes: the classes the training rows hold."""

from lessons.training_lab.classes import training_classes
from lessons.training_lab.data import dataset_from_upload
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import UPLOADED, LabSettings


def test_training_classes_counts_the_classes_the_training_rows_hold():
    assert training_classes(build_run(LabSettings(dataset="moons"))) == 2
    assert training_classes(build_run(LabSettings(dataset="three_blobs"))) == 3
    assert training_classes(build_run(LabSettings(dataset="sine"))) == 0
    # A file with one row of class 1, held out as the test row: training sees class 0 only.
    rows = "".join(f"{i},0\n" for i in range(9)) + "9,1\n"
    dataset = dataset_from_upload(("a,y\n" + rows).encode(), "y")
    for seed in range(50):
        run = build_run(LabSettings(dataset=UPLOADED, test_fraction=0.1, seed=seed), dataset)
        if 1.0 in run.split.Y_test:
            assert training_classes(run) == 1
            break
    else:
        raise AssertionError("no seed held the class-1 row out")
