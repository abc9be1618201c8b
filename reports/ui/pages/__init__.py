"""One thin module per page; Streamlit runs each file as a script (``render()`` at the bottom)."""
