"""Streamlit's own words (its uploader's button, its icons' labels for screen readers) in the page's language.

Streamlit 1.67 has no locale setting for them.  The uploader's button text is
swapped by CSS: drawn with the page, no script, and the accessible name follows
the visible text.  Labels only a screen reader reads ("Help for …", "Increment")
cannot be reached by CSS: one small script watches the page and rewrites them,
keeping Streamlit's own label to restore it in English.  Multiselects drop their
"Select all" row with ``select_all=False`` where a widget uses one.
"""
from __future__ import annotations

import json

import streamlit as st

from app.state import T
from app.upload import SUFFIXES

# Streamlit's aria-labels, English -> a key of app.i18n; "Help for {label}" is matched on its prefix.
ARIA = {"Sidebar": "aria_sidebar", "Collapse sidebar": "aria_collapse_sidebar",
        "Expand sidebar": "aria_expand_sidebar", "App pages": "aria_app_pages", "Link to heading": "aria_heading_link",
        "Increment": "aria_increment", "Decrement": "aria_decrement", "file upload": "aria_file_upload",
        "Help": "aria_help", "Open": "aria_open", "Close": "aria_close", "Clear all": "aria_clear_all",
        "Selected values": "aria_selected_values", "Copy to clipboard": "aria_copy", "Show data": "aria_show_data",
        "Download as PNG": "aria_download_png", "Download as CSV": "aria_download_csv", "Fullscreen": "aria_fullscreen",
        "Search": "aria_search", "Show/hide columns": "aria_columns", "Copy Vega-Lite spec": "aria_copy_spec",
        "Vega visualization": "aria_chart"}
PREFIXES = {"Help for ": "aria_help_for", "Remove ": "aria_remove", "Fullscreen: ": "aria_fullscreen_of"}  # "Help for Langue": a label after them

_SCRIPT = """<script>
(() => {
  window.mechganAria = %s;
  const translate = (el) => {
    const now = el.getAttribute('aria-label');
    if (now === null) return;
    if (el.dataset.ariaSet !== now) el.dataset.ariaOwn = now;  // Streamlit's own label, new or changed
    const own = el.dataset.ariaOwn, rules = window.mechganAria;
    const prefix = Object.keys(rules.prefixes).find((p) => own.startsWith(p));
    const said = prefix ? rules.prefixes[prefix] + ' ' + own.slice(prefix.length) : (rules.exact[own] ?? own);
    el.dataset.ariaSet = said;
    if (said !== now) el.setAttribute('aria-label', said);
  };
  const within = (node) => {
    if (node.nodeType !== 1) return;
    translate(node);
    node.querySelectorAll('[aria-label]').forEach(translate);
  };
  within(document.body);
  if (window.mechganAriaObserver) return;
  window.mechganAriaObserver = new MutationObserver((changes) => changes.forEach((c) =>
    c.type === 'attributes' ? translate(c.target) : c.addedNodes.forEach(within)));
  window.mechganAriaObserver.observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     attributeFilter: ['aria-label']});
})();
</script>"""


def _css() -> str:
    """The uploader's button and limit line: Streamlit's words taken out of the page, ours drawn in their place
    (on a shown element, so the accessible name follows).  And a multiselect's chips wrap their text, where
    Streamlit cuts it ("Taux d'appre…" twice, for G and D)."""
    button = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']"
    limit = "[data-testid='stFileUploaderDropzoneInstructions'] > div"
    chip = "[data-testid='stMultiSelectTagsContainer'] [data-tag]"
    types, limit_mb = ", ".join(s[1:].upper() for s in SUFFIXES), st.get_option("server.maxUploadSize")
    return (f"<style>{button} p, {limit} > span {{display: none}}"
            f"{button}::after {{content: {json.dumps(T('st_upload'))}}}"
            f"{limit}::after {{content: {json.dumps(T('st_upload_limit', mb=limit_mb, types=types))}}}"
            f"{chip} {{height: auto}} {chip} > span {{white-space: normal; text-overflow: clip}}"
            ".st-key-streamlit_texts {display: none}</style>")


def translate_streamlit() -> None:
    """Put Streamlit's own words in the page's language (call on every run of every page)."""
    st.html(_css())
    rules = {"exact": {en: T(key) for en, key in ARIA.items()},
             "prefixes": {en: T(key) for en, key in PREFIXES.items()}}
    with st.sidebar.container(key="streamlit_texts"):  # hidden: a script still runs, and takes no room
        st.html(_SCRIPT % json.dumps(rules, ensure_ascii=False), unsafe_allow_javascript=True)
