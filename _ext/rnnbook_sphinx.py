"""Small Sphinx fixes for the book's HTML (loaded by ``_config.yml``, ``local_extensions``).

* Jupyter Book v1 loads ``sphinx_thebe``, whose configuration script (``const THEBE_JS_URL =
  ...``) ends up twice in every page's ``<head>``; the second copy throws "Identifier
  'THEBE_JS_URL' has already been declared" in the browser console. Each page keeps the
  first copy of any duplicated script. ``scripts/check_html.py`` fails on console errors.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        # the two copies differ only in the filename: None (added late) or "" (registry)
        key = (
            getattr(js, "filename", js) or "",
            tuple(sorted(getattr(js, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=999)  # after the theme adds its own
    return {"parallel_read_safe": True, "parallel_write_safe": True}
