"""Caps on everything a visitor can ask the engine for.

The public demo relies on these: every entry point checks them, whatever the widgets or the
URL say, so one visitor cannot make the server slow for everybody else.
"""

MAX_HIDDEN_LAYERS = 6  # hidden layers between input and output
MAX_UNITS = 16  # units in any one layer, inputs and outputs included
MAX_SAMPLES = 2000  # rows of data in one dataset or batch
MAX_EPOCHS = 5000  # epochs in one training run (MAX_UPDATES bounds the work)
MAX_UPDATES = 20_000  # gradient-descent updates in one training run
MAX_LEARNING_RATE = 100.0  # large enough to show divergence, small enough to stay finite for a step
MAX_L2 = 1.0  # L2 penalty strength
MAX_NOISE = 1.0  # noise level of the generated datasets
MAX_SNAPSHOTS = 200  # parameter snapshots kept per run; older ones are thinned beyond this
MAX_CSV_BYTES = 1_000_000  # size of an uploaded CSV file (also Streamlit's upload limit, in MB)
MAX_CSV_ROWS = MAX_SAMPLES  # data rows in an uploaded CSV file
MAX_CSV_COLUMNS = MAX_UNITS + 1  # feature columns plus the target
MAX_ABS_VALUE = 1e6  # magnitude of any input, target, weight or bias a visitor types
MAX_SEED = 2**31 - 1
MAX_ADDED_POINTS = 500  # points a visitor adds by clicking on the lab's data plot
