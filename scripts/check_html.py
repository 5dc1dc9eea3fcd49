"""Open every page of the built book in headless Chromium and check what a reader would see.

    python scripts/check_html.py _build/html [--screenshots DIR] [--pages GLOB ...]

For each HTML page (Sphinx's ``search.html``, ``genindex.html`` and ``_modules/`` source
pages excepted: they hold no math or figures of ours) the check fails if

* the browser console logged an error (a script that failed, a file that did not load,
  a request to the network: the book must work offline);
* MathJax did not render every equation: after MathJax's start-up promise has resolved,
  the page's visible text (code blocks and ``<script>`` excluded) still holds ``$$``,
  ``\\begin{``, ``\\(``, ``\\[`` or ``\\]``, or a ``span.math``/``div.math`` without a rendered
  ``mjx-container``; MathJax itself must load from the build (``_static/mathjax``), not a CDN;
* an image did not load (``naturalWidth == 0``);
* an internal link (``href`` to another file of the build, with or without ``#anchor``)
  points to a file that does not exist, or to an anchor that the target page lacks.

It drives Debian's ``chromium`` through ``chromedriver`` (packages ``chromium`` and
``chromium-driver``; Selenium is pointed at those binaries and downloads nothing).
Screenshots of the pages named by ``--screenshots-of`` (default: the preface and chapter 2)
are saved in ``--screenshots`` (default ``_build/screenshots``). Exit status 1 and one line
per problem if anything failed; 0 and a summary line otherwise. ``.ci/run`` runs it after
the strict build; ``make check-html`` runs it by hand.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP = ("search.html", "genindex.html", "py-modindex.html")
RAW_MATH = ("$$", "\\begin{", "\\(", "\\)", "\\[", "\\]")
DEFAULT_SHOTS = ("chapters/intro.html", "chapters/02_the_recurrent_cell.html")

# Runs in the page: waits for MathJax, then reports what the reader sees.
PAGE_JS = r"""
const done = arguments[arguments.length - 1];
const report = () => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, mjx-container, .MathJax")
       .forEach((n) => n.remove());
  const math = Array.from(document.querySelectorAll("span.math, div.math"));
  const unrendered = math.filter((n) => !n.querySelector("mjx-container")).length;
  const images = Array.from(document.images).map((im) => ({
    src: im.getAttribute("src"), ok: im.complete && im.naturalWidth > 0}));
  const scripts = Array.from(document.scripts).map((s) => s.src).filter((s) => s);
  done({text: clone.innerText, math: math.length, unrendered: unrendered, images: images,
        scripts: scripts, mathjax: typeof window.MathJax !== "undefined"});
};
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(report, report);
} else {
  report();
}
"""


class _Links(HTMLParser):
    """Collects the ids/names a page defines and the hrefs it links to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return p


def check_links(root: Path, pages: list[Path]) -> list[str]:
    """Internal links that do not resolve: ``page: href (why)``."""
    parsed: dict[Path, _Links] = {}

    def get(path: Path) -> _Links:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    problems = []
    for page in pages:
        hrefs = get(page).hrefs
        target = redirect_target(page)
        if target is not None:
            hrefs = [*hrefs, target]
        for href in hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue  # external: not ours to check offline
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if parts.path and not target.exists():
                problems.append(f"{page.relative_to(root)}: link {href} (no such file)")
                continue
            if target.is_dir():
                target = target / "index.html"
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html" and frag not in get(target).ids:
                problems.append(f"{page.relative_to(root)}: link {href} (no anchor #{frag})")
    return problems


def make_driver():
    """Headless Debian Chromium through Debian's chromedriver (nothing downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_bin = shutil.which("chromedriver")
    if not browser or not driver_bin:
        raise SystemExit(
            "check_html: needs Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver); "
            f"found chromium={browser}, chromedriver={driver_bin}"
        )
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--allow-file-access-from-files",
        "--window-size=1200,2000",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_bin), options=opts)
    driver.set_script_timeout(60)
    driver.set_page_load_timeout(60)
    return driver


def check_page(driver, root: Path, page: Path) -> list[str]:
    """Console errors, unrendered math and broken images of one page."""
    rel = page.relative_to(root)
    driver.get(page.resolve().as_uri())
    info = driver.execute_async_script(PAGE_JS)
    problems = []
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            problems.append(f"{rel}: console error: {entry.get('message', '')[:300]}")
    text = info["text"]
    for raw in RAW_MATH:
        k = text.find(raw)
        if k >= 0:
            context = " ".join(text[max(0, k - 40) : k + 40].split())
            problems.append(f"{rel}: raw math {raw!r} in the visible text: ...{context}...")
    if info["math"]:
        if not info["mathjax"]:
            problems.append(f"{rel}: {info['math']} equations but MathJax did not load")
        elif info["unrendered"]:
            problems.append(f"{rel}: {info['unrendered']} of {info['math']} equations unrendered")
        remote = [s for s in info["scripts"] if "mathjax" in s.lower() and "_static" not in s]
        if remote:
            problems.append(f"{rel}: MathJax loaded from outside the build: {remote}")
    for im in info["images"]:
        if not im["ok"]:
            problems.append(f"{rel}: image did not load: {im['src']}")
    return problems


REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


def redirect_target(page: Path) -> str | None:
    """The URL a redirect page (``<meta http-equiv="refresh">``, e.g. the root
    ``index.html``) sends the reader to, or ``None``."""
    m = REFRESH.search(page.read_text(encoding="utf-8", errors="replace")[:2000])
    return m.group(1) if m else None


def html_pages(root: Path, patterns: list[str] | None = None) -> list[Path]:
    pages = sorted(root.rglob("*.html"))
    pages = [
        p
        for p in pages
        if p.name not in SKIP and "_modules" not in p.parts and "_static" not in p.parts
    ]
    if patterns:
        pages = [p for p in pages if any(p.relative_to(root).match(g) for g in patterns)]
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html", type=Path, help="the built book, e.g. _build/html")
    ap.add_argument("--pages", nargs="*", help="only pages matching these globs")
    ap.add_argument("--screenshots", type=Path, default=Path("_build/screenshots"))
    ap.add_argument("--screenshots-of", nargs="*", default=list(DEFAULT_SHOTS))
    args = ap.parse_args(argv)
    root = args.html.resolve()
    pages = html_pages(root, args.pages)
    if not pages:
        print(f"check_html: no HTML pages under {root}", file=sys.stderr)
        return 1
    problems = check_links(root, pages)
    driver = make_driver()
    n_shots = 0
    try:
        for page in pages:
            if redirect_target(page) is None:  # a redirect's target is checked on its own
                problems += check_page(driver, root, page)
        args.screenshots.mkdir(parents=True, exist_ok=True)
        for rel in args.screenshots_of:
            page = root / rel
            if page.exists():
                driver.get(page.resolve().as_uri())
                driver.execute_async_script(PAGE_JS)
                n_shots += 1
                driver.save_screenshot(str(args.screenshots / (Path(rel).stem + ".png")))
    finally:
        driver.quit()
    for p in problems:
        print(p)
    if problems:
        print(f"check_html: {len(problems)} problems in {len(pages)} pages", file=sys.stderr)
        return 1
    print(
        f"check_html: {len(pages)} pages checked in Chromium: no console errors, every equation "
        f"rendered by the build's MathJax, every image loaded, every internal link resolves; "
        f"{n_shots} screenshots in {args.screenshots}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
