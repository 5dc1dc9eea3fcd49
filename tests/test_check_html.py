"""scripts/check_html.py: the browser check of the built book can fail, and passes a good page.

The pages here are small hand-made HTML files, not the book: a page with MathJax loaded from
a local copy (the one ``sphinx-mathjax-offline`` ships, as the book's build uses), and pages
with each fault the check exists for. Needs Debian's ``chromium`` and ``chromium-driver``
(``.ci/run`` installs them); skipped where they are missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts import check_html

import pytest

pytest.importorskip("selenium")
sphinx_mathjax_offline = pytest.importorskip("sphinx-mathjax-offline")
pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def page(body: str, mathjax: bool = True) -> str:
    head = '<script defer src="_static/mathjax/tex-chtml.js"></script>' if mathjax else ""
    head = f"<meta charset='utf-8'>{head}"
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


GOOD = page(
    '<p>The cell <span class="math notranslate nohighlight">\\(h_t = \\tanh(a_t)\\)</span>.</p>'
    '<div class="math notranslate nohighlight">\\[s_t = h_t W_{hy} + b_y\\]</div>'
    '<img src="dot.png" alt="a dot"><a href="other.html#here">there</a>'
    "<pre>code may hold $$ and \\begin{x} verbatim</pre>"
)
OTHER = page('<h1 id="here">Other</h1><a href="index.html">back</a>', mathjax=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    src = Path(sphinx_mathjax_offline.__file__).parent / "static" / "mathjax"
    shutil.copytree(src, tmp_path / "_static" / "mathjax")
    (tmp_path / "dot.png").write_bytes(PNG_1x1)
    (tmp_path / "index.html").write_text(GOOD, encoding="utf-8")
    (tmp_path / "other.html").write_text(OTHER, encoding="utf-8")
    return tmp_path


def run(site: Path, capsys) -> tuple[int, str]:
    rc = check_html.main([str(site), "--screenshots", str(site / "shots")])
    return rc, capsys.readouterr().out


def test_a_good_page_passes(site, capsys):
    rc, out = run(site, capsys)
    assert rc == 0, out
    assert "2 pages checked" in out


def test_broken_image_fails(site, capsys):
    (site / "dot.png").unlink()
    rc, out = run(site, capsys)
    assert rc == 1
    assert "index.html: image did not load: dot.png" in out


def test_unrendered_math_fails(site, capsys):
    (site / "bad.html").write_text(
        page('<p>Raw: $$x_t W_{xh}$$ and <span class="math">\\(h_t\\)</span></p>', mathjax=False),
        encoding="utf-8",
    )
    rc, out = run(site, capsys)
    assert rc == 1
    assert "bad.html: raw math '$$'" in out
    assert "bad.html: raw math '\\\\('" in out
    assert "bad.html: 1 equations but MathJax did not load" in out
    assert "index.html" not in out  # the good page still passes


def test_broken_links_fail(site, capsys):
    (site / "other.html").write_text(
        page('<a href="index.html#nowhere">x</a><a href="gone.html">y</a>', mathjax=False),
        encoding="utf-8",
    )
    rc, out = run(site, capsys)
    assert rc == 1
    assert "other.html: link index.html#nowhere (no anchor #nowhere)" in out
    assert "other.html: link gone.html (no such file)" in out
    assert "index.html: link other.html#here (no anchor #here)" in out


def test_console_error_fails(site, capsys):
    (site / "err.html").write_text(
        page("<script>const A = 1;</script><script>const A = 2;</script>", mathjax=False),
        encoding="utf-8",
    )
    rc, out = run(site, capsys)
    assert rc == 1
    assert "err.html: console error:" in out and "already been declared" in out


def test_redirect_pages_are_followed_not_opened(site, capsys):
    (site / "start.html").write_text(
        '<meta http-equiv="Refresh" content="0; url=missing.html">', encoding="utf-8"
    )
    rc, out = run(site, capsys)
    assert rc == 1
    assert "start.html: link missing.html (no such file)" in out
