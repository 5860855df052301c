"""`python -m dashboard.serve run app.py [options]`: `streamlit run`, without the "Page not found" dialog that the
first browser session after a server start otherwise shows on any page but the home page.

Why: Streamlit decides once per process, when the first session starts, whether the app is a legacy multipage app
(a `pages/` folder beside the entry script, which ours has). If so, that first run resolves the URL against the
folder's file names ("kinh_phi", not our url path "kinh-phi"), finds nothing, sends "Page not found", and only then
runs app.py, whose st.navigation turns the legacy mode off for every later session (streamlit 1.67,
runtime/pages_manager.py and commands/navigation.py; streamlit/streamlit#8860). Turning the mode off before the
server starts makes the first session like all the others. A bare `streamlit run app.py` still shows the dialog
once per server start: every launcher of this repository (make run, deploy/, the tests) goes through here.
"""
from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False  # app.py declares every page with st.navigation
    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
