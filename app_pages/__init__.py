"""Streamlit pages, one file each; `common` holds the helpers they share."""
