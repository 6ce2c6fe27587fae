"""The step-by-step page's figures and formula text: equations and tables."""
