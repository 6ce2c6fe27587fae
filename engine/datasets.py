"""Seeded toy datasets, a train/test split and standardisation.

Every generator returns a Dataset whose X is (n_samples, n_features) and Y is (n_samples,
n_targets), float64. Classification targets are 0/1 columns (binary) or one-hot rows
(multi-class); classes are balanced exactly.
"""

from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.errors import UserInputError
from engine.validation import check_in_range, check_int

TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A table of examples with named columns."""

    name: str
    X: np.ndarray  # (n_samples, n_features)
    Y: np.ndarray  # (n_samples, n_targets)
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    task: str  # one of TASKS
    description: str = ""

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def labels(self) -> np.ndarray:
        """(n_samples,) integer class of each row; only for classification tasks."""
        if self.task == "binary":
            return (self.Y[:, 0] > 0.5).astype(int)
        if self.task == "multiclass":
            return np.argmax(self.Y, axis=1)
        raise UserInputError("Regression data have no class labels.")


@dataclass(frozen=True)
class Standardizer:
    """Per-column mean and standard deviation; transform maps columns to mean 0, std 1."""

    mean: np.ndarray  # (n_columns,)
    std: np.ndarray  # (n_columns,), never 0

    @classmethod
    def fit(cls, values: np.ndarray) -> "Standardizer":
        std = values.std(axis=0)
        return cls(values.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - self.mean) / self.std

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return values * self.std + self.mean


def _check_common(n_samples: int, noise: float, seed: int) -> None:
    check_int(n_samples, "Number of samples", 4, limits.MAX_SAMPLES)
    check_in_range(noise, "Noise", 0.0, limits.MAX_NOISE)
    check_int(seed, "Seed", 0, limits.MAX_SEED)


def _binary(name, X, labels, description) -> Dataset:
    return Dataset(
        name,
        X,
        labels.reshape(-1, 1).astype(np.float64),
        ("x1", "x2"),
        ("class",),
        "binary",
        description,
    )


def _class_counts(n_samples: int, n_classes: int) -> list[int]:
    base = n_samples // n_classes
    return [base + (1 if k < n_samples % n_classes else 0) for k in range(n_classes)]


def _shuffle(rng, X, Y):
    order = rng.permutation(X.shape[0])
    return X[order], Y[order]


def xor_table() -> Dataset:
    """The four rows of the XOR truth table: the classic problem a single layer cannot solve."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return _binary("xor_table", X, np.array([0, 1, 1, 0]), "XOR truth table (4 rows).")


def xor(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Points in the four quadrants of [-1, 1]^2; class 1 where x1 and x2 have opposite signs."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_counts(n_samples, 2)
    same = rng.uniform(0.1, 1.0, size=(n0, 2)) * rng.choice([-1, 1], size=(n0, 1))
    opposite = rng.uniform(0.1, 1.0, size=(n1, 2)) * rng.choice([-1, 1], size=(n1, 1))
    opposite[:, 1] *= -1
    X = np.vstack([same, opposite]) + rng.normal(0, noise, size=(n_samples, 2))
    labels = np.concatenate([np.zeros(n0), np.ones(n1)])
    X, labels = _shuffle(rng, X, labels)
    return _binary("xor", X, labels, "Class 1 where x1 and x2 have opposite signs.")


def circles(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """An inner disc (class 1) inside a ring (class 0)."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_counts(n_samples, 2)
    radius = np.concatenate([rng.uniform(0.7, 1.0, n0), rng.uniform(0.0, 0.4, n1)])
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0, noise * 0.5, size=X.shape)
    labels = np.concatenate([np.zeros(n0), np.ones(n1)])
    X, labels = _shuffle(rng, X, labels)
    return _binary("circles", X, labels, "A disc (class 1) inside a ring (class 0).")


def moons(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_counts(n_samples, 2)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + rng.normal(0, noise, size=(n_samples, 2))
    X = (X - np.array([0.5, 0.25])) / 1.0
    labels = np.concatenate([np.zeros(n0), np.ones(n1)])
    X, labels = _shuffle(rng, X, labels)
    return _binary("moons", X, labels, "Two interleaving half moons.")


def spiral(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaved spiral arms, one per class: hard for small networks."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    parts, labels = [], []
    for label, count in enumerate(_class_counts(n_samples, 2)):
        t = np.sqrt(rng.uniform(0, 1, count)) * 3 * np.pi
        angle = t + label * np.pi
        r = t / (3 * np.pi)
        parts.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        labels.append(np.full(count, label))
    X = np.vstack(parts) + rng.normal(0, noise * 0.3, size=(n_samples, 2))
    X, y = _shuffle(rng, X, np.concatenate(labels).astype(np.float64))
    return _binary("spiral", X, y, "Two spiral arms, one per class.")


def gaussians(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two Gaussian blobs; noise widens them until they overlap."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    n0, n1 = _class_counts(n_samples, 2)
    spread = 0.25 + noise
    X = np.vstack(
        [
            rng.normal([-0.6, -0.6], spread, size=(n0, 2)),
            rng.normal([0.6, 0.6], spread, size=(n1, 2)),
        ]
    )
    labels = np.concatenate([np.zeros(n0), np.ones(n1)])
    X, labels = _shuffle(rng, X, labels)
    return _binary("gaussians", X, labels, "Two Gaussian blobs.")


def three_blobs(n_samples: int = 210, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Three Gaussian blobs with one-hot targets, for a softmax output."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.8], [-0.7, -0.4], [0.7, -0.4]])
    spread = 0.2 + noise
    parts, labels = [], []
    for label, count in enumerate(_class_counts(n_samples, 3)):
        parts.append(rng.normal(centres[label], spread, size=(count, 2)))
        labels.append(np.full(count, label))
    X = np.vstack(parts)
    Y = np.eye(3)[np.concatenate(labels)]
    X, Y = _shuffle(rng, X, Y)
    return Dataset(
        "three_blobs",
        X,
        Y,
        ("x1", "x2"),
        ("class 0", "class 1", "class 2"),
        "multiclass",
        "Three Gaussian blobs, one class each (use softmax with cross-entropy).",
    )


def sine(n_samples: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """y = sin(x) on [-pi, pi] plus Gaussian noise: 1-D regression."""
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, n_samples))
    y = np.sin(x) + rng.normal(0, noise, n_samples)
    return Dataset(
        "sine",
        x.reshape(-1, 1),
        y.reshape(-1, 1),
        ("x",),
        ("y",),
        "regression",
        "y = sin(x) with noise.",
    )


HOUSING_FEATURES = ("size_m2", "location_score", "rooms", "age_years")


def housing(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Synthetic house prices (in thousands) from size, location score, rooms and age.

    price = 1.5 * size + 25 * location + 10 * rooms - 0.8 * age + 50, times (1 + noise * N(0,1)).
    """
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    size = rng.uniform(40, 200, n_samples)
    location = rng.uniform(1, 10, n_samples)
    rooms = np.clip(np.round(size / 30 + rng.normal(0, 0.7, n_samples)), 1, 8)
    age = rng.uniform(0, 80, n_samples)
    price = 1.5 * size + 25 * location + 10 * rooms - 0.8 * age + 50
    price *= 1 + noise * rng.normal(0, 0.3, n_samples)
    X = np.column_stack([size, location, rooms, age])
    return Dataset(
        "housing",
        X,
        price.reshape(-1, 1),
        HOUSING_FEATURES,
        ("price_k",),
        "regression",
        "Synthetic house prices (thousands) from size, location score, rooms and age.",
    )


TRAFFIC_FEATURES = ("hour", "rain_mm_per_h", "weekday")


def traffic(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Synthetic road congestion (0 = free flow, 1 = jammed) from the time of day, the rain and
    the day of the week (weekday = 1 for Monday to Friday, 0 at the weekend).

    Weekdays peak at 8:00 and 17:30, weekends around midday; rain adds congestion. Noise adds
    noise * N(0, 0.3); the result is clipped to [0, 1].
    """
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    hour = rng.uniform(0, 24, n_samples)
    rain = np.clip(rng.exponential(1.5, n_samples), 0, 10)
    weekday = (rng.integers(0, 7, n_samples) < 5).astype(np.float64)
    rush = np.exp(-(((hour - 8) / 1.2) ** 2)) + 0.9 * np.exp(-(((hour - 17.5) / 1.5) ** 2))
    midday = np.exp(-(((hour - 13) / 3) ** 2))
    congestion = 0.1 + 0.6 * rush * weekday + 0.3 * midday * (1 - weekday) + 0.04 * rain
    congestion = np.clip(congestion + noise * rng.normal(0, 0.3, n_samples), 0, 1)
    return Dataset(
        "traffic",
        np.column_stack([hour, rain, weekday]),
        congestion.reshape(-1, 1),
        TRAFFIC_FEATURES,
        ("congestion",),
        "regression",
        "Synthetic road congestion (0 to 1) from hour of day, rain (mm/h) and weekday (1) or"
        " weekend (0).",
    )


GENERATORS = {
    "xor": xor,
    "circles": circles,
    "moons": moons,
    "spiral": spiral,
    "gaussians": gaussians,
    "three_blobs": three_blobs,
    "sine": sine,
    "housing": housing,
    "traffic": traffic,
}


def make_dataset(name: str, n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """The generated dataset called `name` (one of GENERATORS)."""
    if name not in GENERATORS:
        raise UserInputError(f"Unknown dataset {name!r}; choose one of: {', '.join(GENERATORS)}.")
    return GENERATORS[name](n_samples=n_samples, noise=noise, seed=seed)


@dataclass(frozen=True, eq=False)
class Split:
    """Train and test parts of a dataset, standardised with the training part's statistics."""

    X_train: np.ndarray  # (n_train, n_features)
    Y_train: np.ndarray  # (n_train, n_targets)
    X_test: np.ndarray  # (n_test, n_features); may have 0 rows
    Y_test: np.ndarray  # (n_test, n_targets)
    x_scaler: Standardizer
    y_scaler: Standardizer | None  # set for regression targets, None for classes


def train_test_split(
    dataset: Dataset, test_fraction: float = 0.2, seed: int = 0, standardize: bool = True
) -> Split:
    """Shuffle rows with `seed`, hold out `test_fraction` of them, and standardise.

    Features (and regression targets) are scaled with the training rows' mean and std.
    """
    check_in_range(test_fraction, "Test fraction", 0.0, 0.9)
    rng = np.random.default_rng(seed)
    order = rng.permutation(dataset.n_samples)
    n_test = int(round(test_fraction * dataset.n_samples))
    n_test = min(n_test, dataset.n_samples - 1)
    test, train = order[:n_test], order[n_test:]
    X_train, Y_train = dataset.X[train], dataset.Y[train]
    X_test, Y_test = dataset.X[test], dataset.Y[test]
    identity_x = Standardizer(np.zeros(X_train.shape[1]), np.ones(X_train.shape[1]))
    x_scaler = Standardizer.fit(X_train) if standardize else identity_x
    y_scaler = None
    if dataset.task == "regression" and standardize:
        y_scaler = Standardizer.fit(Y_train)
        Y_train, Y_test = y_scaler.transform(Y_train), y_scaler.transform(Y_test)
    return Split(
        x_scaler.transform(X_train),
        Y_train,
        x_scaler.transform(X_test),
        Y_test,
        x_scaler,
        y_scaler,
    )
