"""lessons.training_lab.experiments: every guided experiment's claim holds with the engine."""

from dataclasses import replace

import pytest

from lessons.training_lab import LabSettings, build_run
from lessons.training_lab.experiments import (
    BY_KEY,
    EXPERIMENTS,
    finished_run,
    is_loaded,
    run_experiment,
)


def test_there_are_at_least_six_experiments_each_with_its_texts():
    assert len(EXPERIMENTS) >= 6 and len(BY_KEY) == len(EXPERIMENTS)
    for experiment in EXPERIMENTS:
        for text in (
            experiment.title,
            experiment.question,
            experiment.watch,
            experiment.explanation,
        ):
            assert len(text) > 20, experiment.key
        assert experiment.settings != experiment.contrast


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.key)
def test_each_experiments_claim_holds_when_run_with_the_engine(experiment):
    outcome = run_experiment(experiment)
    assert outcome.held, outcome.evidence


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.key)
def test_the_claim_fails_when_the_scenario_and_contrast_are_swapped(experiment):
    # The check is not vacuous: the contrast run does not satisfy the claim in the other role.
    run, contrast = finished_run(experiment.contrast), finished_run(experiment.settings)
    assert not experiment.outcome(run, contrast).held


def test_every_experiment_builds_and_only_its_own_settings_count_as_loaded():
    for experiment in EXPERIMENTS:
        build_run(experiment.settings)
        assert is_loaded(experiment, experiment.settings)
        named = replace(experiment.settings, output_activation="sigmoid")  # as the page names it
        assert is_loaded(experiment, named)
        assert not is_loaded(experiment, replace(experiment.settings, seed=7))
    assert not any(is_loaded(experiment, LabSettings()) for experiment in EXPERIMENTS)
