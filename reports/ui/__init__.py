"""The Streamlit app's package: state (filters in the URL), cached reads, login, layout, labels, pages.

``app.py`` at the top level calls :func:`reports.ui.main.run`; each page is a thin module in
``reports/ui/pages/`` over the library (no SQL here).
"""
