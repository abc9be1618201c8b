"""ATCMP Reports: the Streamlit app managers use every day.

Run it with ``reports serve`` (or ``streamlit run app.py``); it reads the warehouse named by
``REPORTS_DB`` (default ``data/warehouse.duckdb``) and the config named by ``REPORTS_CONFIG``
(default ``reports.toml``). Everything lives in ``reports/ui``; this file only starts it.
"""

from reports.ui import main

main.run()
