"""The step-by-step page's model: scenarios, phases, the stepper, the weight inspector, exports,
and the page's state with its one transition `act(state, action)` (model.py)."""

from lessons.step_by_step.model import StepPage, act, start_page

__all__ = ["StepPage", "act", "start_page"]
