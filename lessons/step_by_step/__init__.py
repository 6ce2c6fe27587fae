"""The step-by-step page's model: scenarios, phases, the stepper, the weight inspector, exports."""
