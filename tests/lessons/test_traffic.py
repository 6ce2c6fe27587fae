"""The traffic example: the dataset (engine.datasets.traffic) and the step-page scenario
(lessons.step_by_step.presets.traffic_scenario), with named inputs."""

import numpy as np

from engine.datasets import traffic
from lessons.step_by_step.presets import traffic_scenario


def test_traffic_dataset_has_named_inputs_and_is_reproducible():
    data = traffic(300, 0.1, seed=4)
    assert data.feature_names == ("hour", "rain_mm_per_h", "weekday")
    assert data.target_names == ("congestion",) and data.task == "regression"
    assert data.X.shape == (300, 3) and data.Y.shape == (300, 1)
    assert np.array_equal(data.X, traffic(300, 0.1, seed=4).X)
    assert np.all((data.Y >= 0) & (data.Y <= 1))
    assert set(np.unique(data.X[:, 2])) == {0.0, 1.0}


def test_weekday_rush_hour_and_rain_mean_more_congestion():
    data = traffic(2000, 0.0, seed=0)
    hour, rain, weekday = data.X.T
    y = data.Y[:, 0]
    rush = (weekday == 1) & (np.abs(hour - 8) < 1)
    night = (weekday == 1) & (hour < 4)
    assert y[rush].mean() > y[night].mean() + 0.3
    dry, wet = y[night & (rain < 0.5)], y[night & (rain > 3)]
    assert wet.mean() > dry.mean()


def test_traffic_scenario_is_one_named_example_the_engine_can_step():
    scenario = traffic_scenario(seed=0)
    assert scenario.input_names == ("hour/24", "rain/10", "weekday")
    assert scenario.output_names == ("congestion",)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    assert trace.finite and trace.layers[-1].activation == "sigmoid"
