"""Streamlit-side helpers: cached loaders, state, sidebar widgets, chart builders, safe text.

Only pages and app.py import this package; the library (`kairo_scoring`) never does.
"""
