"""Backprop Lab's lesson models: one per page, NumPy and engine/ only (no Streamlit, no Plotly)."""
