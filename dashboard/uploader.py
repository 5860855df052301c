"""st.file_uploader in the reader's language.

Streamlit 1.67 writes the dropzone's button ("Upload") and its limit line ("10MB per file • XLSX, CSV") in English
in its frontend, with no option to change them (st.file_uploader takes a label, help and max_upload_size only).
For a Vietnamese reader a fixed stylesheet scoped to the dropzone draws "Tải lên" in place of "Upload" (CSS
`content`) and hides the English limit line, which the caption under the box gives in Vietnamese. The "Drag and
drop files here" shown only while a file is dragged over the box stays Streamlit's (no stable selector); the
caption says the same in words. The stylesheet is a literal: no data ever reaches st.html.
"""
from __future__ import annotations

import streamlit as st

HINT = {"vi": "Tối đa {mb} MB mỗi tệp • {types}. Bấm «Tải lên» để chọn tệp, hoặc kéo thả tệp vào ô này.",
        "en": "Up to {mb} MB per file • {types}. Click «Upload» to choose files, or drag and drop them onto the box."}


def file_uploader(label: str, types: list[str], lang: str, **kw):
    """st.file_uploader (same arguments) with its button and limit line in `lang`."""
    if lang != "en":
        st.html("""<style>
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p { font-size: 0; line-height: 0; }
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p::after { content: "Tải lên";
  font-size: 14px; line-height: 22.4px; }
[data-testid=stFileUploaderDropzoneInstructions] { display: none; }
</style>""")
    files = st.file_uploader(label, type=types, **kw)
    mb = int(kw.get("max_upload_size") or st.get_option("server.maxUploadSize"))
    st.caption(HINT[lang].format(mb=mb, types=", ".join(x.upper() for x in types)))
    return files
