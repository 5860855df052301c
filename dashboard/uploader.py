"""st.file_uploader in the reader's language.

Streamlit 1.67 writes the dropzone's button ("Upload") and its limit line ("10MB per file • XLSX, CSV") in English
in its frontend, with no option to change them (st.file_uploader takes a label, help and max_upload_size only).
A stylesheet scoped to the dropzone hides those two texts and draws ours in their place (CSS `content`); the
"Drag and drop files here" shown only while a file is dragged over the box stays Streamlit's (no stable selector),
so the caption under the box says in words what to do.
"""
from __future__ import annotations

import streamlit as st

TEXT = {
    "vi": {"button": "Tải lên", "limit": "Tối đa {mb} MB mỗi tệp • {types}",
           "hint": "Bấm «Tải lên» để chọn tệp, hoặc kéo thả tệp vào ô này."},
    "en": {"button": "Upload", "limit": "Up to {mb} MB per file • {types}",
           "hint": "Click «Upload» to choose files, or drag and drop them onto the box."},
}


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def stylesheet(lang: str, types: list[str], max_mb: int) -> str:
    words = TEXT["en" if lang == "en" else "vi"]
    limit = words["limit"].format(mb=max_mb, types=", ".join(x.upper() for x in types))
    zone, notes = "[data-testid=stFileUploaderDropzone]", "[data-testid=stFileUploaderDropzoneInstructions]"
    return f"""<style>
{zone} button [data-testid=stMarkdownContainer] p {{ font-size: 0; line-height: 0; }}
{zone} button [data-testid=stMarkdownContainer] p::after {{ content: {_css_string(words['button'])};
  font-size: 14px; line-height: 22.4px; }}
{notes} span {{ font-size: 0; line-height: 0; }}
{notes} span::after {{ content: {_css_string(limit)}; font-size: 14px; line-height: 22.4px; }}
</style>"""


def file_uploader(label: str, types: list[str], lang: str, **kw):
    """st.file_uploader (same arguments) with its button and limit line in `lang`, and a one-line hint."""
    max_mb = int(kw.get("max_upload_size") or st.get_option("server.maxUploadSize"))
    st.html(stylesheet(lang, types, max_mb))
    files = st.file_uploader(label, type=types, **kw)
    st.caption(TEXT["en" if lang == "en" else "vi"]["hint"])
    return files

