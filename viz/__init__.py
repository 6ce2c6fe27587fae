"""Figures and text built from engine objects: pure functions, no Streamlit."""
