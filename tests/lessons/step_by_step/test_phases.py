"""The phase sequence of one training step and URL phase clamping."""

import pytest

from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, clamp_phase, phase_sequence


@pytest.mark.parametrize("n_weight_layers", [1, 2, 3, 7])
def test_forward_then_loss_then_backward_from_the_output_then_update(n_weight_layers):
    phases = phase_sequence(n_weight_layers)
    assert len(phases) == 2 * n_weight_layers + 2
    kinds = [phase.kind for phase in phases]
    assert kinds == [FORWARD] * n_weight_layers + [LOSS] + [BACKWARD] * n_weight_layers + [UPDATE]
    forward = [phase.layer for phase in phases if phase.kind == FORWARD]
    backward = [phase.layer for phase in phases if phase.kind == BACKWARD]
    assert forward == list(range(1, n_weight_layers + 1))
    assert backward == list(range(n_weight_layers, 0, -1))
    assert phases[-1].layer is None
    assert len({phase.short for phase in phases}) == len(phases)


def test_titles_name_the_layers():
    titles = [phase.title for phase in phase_sequence(2)]
    assert titles[0] == "Forward: hidden layer 1"
    assert titles[1] == "Forward: output layer"
    assert titles[3] == "Backward: output layer"
    assert titles[4] == "Backward: hidden layer 1"


def test_weight_layer_is_the_matrix_feeding_the_layer():
    phases = phase_sequence(3)
    assert [p.weight_layer for p in phases if p.kind == FORWARD] == [0, 1, 2]
    assert phases[3].weight_layer is None  # loss
    assert phases[-1].weight_layer is None  # update


def test_no_weight_layers_is_an_error():
    with pytest.raises(ValueError):
        phase_sequence(0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", (3, False)),
        (0, (0, False)),
        ("5", (5, False)),
        ("6", (5, True)),
        ("-2", (0, True)),
        ("abc", (0, True)),
        ("2.5", (0, True)),
        ("", (0, True)),
        ("9" * 40, (0, True)),
        (True, (0, True)),
    ],
)
def test_clamp_phase_accepts_only_whole_numbers_in_range(raw, expected):
    assert clamp_phase(raw, 6) == expected
