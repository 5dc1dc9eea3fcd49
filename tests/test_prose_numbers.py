"""No number in the chapters' prose is typed by hand (house rule; issue 6, part 3).

Every markdown cell of ``chapters/*.ipynb`` and every hand-written ``chapters/*.md`` page is
scanned for digits. A digit is a violation unless it is covered by one of the rules below.
All violations of a file are reported at once, with the cell index and the phrase in context.

What is not prose (masked before scanning)
    glue roles and directives (``{glue:text}`key:fmt```, ``{glue}``, ``{glue:figure}``, ...);
    math (``$...$``, ``$$...$$``, ``{math}`` roles and directives, ``\\begin{...}``
    environments); code (inline code spans, fenced code blocks); citations and
    cross-references (``{cite}``, ``{cite:p}``, ``{cite:t}``, ``{numref}``, ``{ref}``,
    ``{eq}``, ``{doc}``), link targets ``[text](target)`` and URLs, MyST labels ``(label)=``,
    directive options (``:label:``, ``:name:``, ``:width:``, ...), file names given as a
    figure's argument, HTML comments and tags, ordered-list markers (and bold paragraph
    numbers such as ``**2. The tanh is element-wise.**``) and heading numbers.

What is allowed in prose (the number is not a result)
    - years, 1800-2099 with an optional letter (``1997a``) or decade ``s``, as in citations
      and history. A year inside a date (``March 1958``, ``1951-12``) is a position in a
      data set, which the data decide: it must be glued. A four-digit number followed by a
      plural noun (``2000 months``) is a count, not a year.
    - numbers that name a part of a document: after chapter(s), section(s), ``§``,
      equation(s), eq., Fig., figure(s), table(s), exercise(s), Part, solution(s),
      appendix, page, and lists of them (``chapters 6 and 10``); ordinals before
      chapter/section/edition (``2nd edition``).
    - names: digits glued to letters (``float64``, ``SST-2``, ``SHA-256``, ``W2``), ``1-D``,
      software versions after a product name (``Keras 3``, ``Python 3.11``), seeds
      (``seed 0``: a label of a random stream, not a quantity).
    - the exact values 0 and 1 standing alone (not ``1 %``): zero states, the bounds of a
      probability or a correlation, a slope of 1, "from 1 to T"; they are mathematics.
    - shapes of a stated example (``2 × 2 matrix``).
    - a symbol set with ``=`` in the book's notation outside math (``k = 1``): it is what
      ``$k = 1$`` would be, and math is exempt. Only a single (Latin or Greek) letter with
      an optional subscript counts as a symbol: results are named by words (MAE, loss).
    - the numbers of an exercise's *statement* (in an ``Exercises`` section, outside its
      ``Solution`` dropdowns, math and code included): they define the task the reader is
      set; the text is their only source. A solution may restate them (``20 steps`` when the
      exercise asked for 20 steps); anything else in a solution is scanned like any prose.
    - authors' reading-time estimates, ``About N minutes to read`` (not measured).
    - ``ALLOW_GLOBAL`` and ``ALLOW`` (per file): a few exact phrases, each with its reason.

Settings versus results. A number stated by the text but decided by a code cell (a window
length, a learning rate, a split fraction, a number of epochs, a chosen lag) has two sources
that can drift apart, just like a result. Such a setting is glued from the variable the code
uses, or written as notation (``$\\eta = 0.2$``, ``$H = 64$``, or ``H = 64``). A bare number
followed by a unit (``36 months``, ``33 parameters``, ``6 bits``) cannot be told apart from a
measured result, so it is never allowed. Results (accuracies, losses, errors, counts computed
by code, times, measured fractions) are never on any allow-list.

Three checks go beyond digits in prose:
    - inside math, ``\\approx``/``≈`` followed by a decimal (``\\lVert DADA\\rVert \\approx
      5.1``) is a typed measurement: theory gives ``\\approx 2`` or ``\\approx 2\\sqrt{H}``,
      a run gives decimals;
    - inside math, a number of five or more digits (``16{,}640``) is a count, and counts
      come from cells; mathematics uses small constants;
    - an approximation word before a number word (``about two thousand windows``, ``about
      three minutes``) is a typed estimate of a quantity the code knows.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
GENERATED_MARKERS = ("<!-- generated", "<!-- auto-generated", "DO NOT EDIT")


def _is_generated(path: Path) -> bool:
    """A page written by a tool: a jupytext twin of a notebook, or a page marked generated."""
    head = path.read_text(encoding="utf-8")[:500]
    return path.with_suffix(".ipynb").exists() or any(m in head for m in GENERATED_MARKERS)


PAGES = sorted(p for p in CHAPTERS.glob("*.md") if not _is_generated(p))

# Exact phrases (any whitespace may break a line) whose numbers are not results. Keep these
# short and principled: never a measured accuracy, loss, error, count, time or fraction.
ALLOW_GLOBAL: dict[str, str] = {
    "1e-7": "the pass mark of every float64 gradient check (house rule)",
    "1e-5": "the tolerance of every Keras-equivalence check (house rule)",
}
ALLOW: dict[str, dict[str, str]] = {
    "01_sequences_and_recurrence.ipynb": {
        "count from 2": "Keras's token-id convention (0 is padding, 1 out-of-vocabulary), a definition",
    },
    "02_the_recurrent_cell.ipynb": {
        "2% of the maximum": "the tanh saturation threshold's slope 0.02 over its maximum 1: arithmetic on a definition",
        "4% of the maximum": "the sigmoid threshold's slope 0.0099 over its maximum 1/4: arithmetic on a definition",
        "variance 2": "the sum of two independent N(0, 1) entries has variance 2: a mathematical fact",
    },
    "03_backpropagation_through_time.ipynb": {
        "under 2 minutes to run": "the book's time budget of 120 s per chapter, enforced by conftest.py",
        "4 bytes": "the size of a float32, a definition",
        "say 0.03, 0.1, 0.3": "values the reader is invited to try, not measured",
    },
    "04_vanishing_and_exploding_gradients.ipynb": {
        "(1/4 for the logistic sigmoid)": "the sigmoid's largest slope, a mathematical constant",
        "near 0 to near 2 (the quarter-circle law)": "the support [0, 2] of the quarter-circle law, a theorem",
    },
    "05_sequence_regression.ipynb": {
        "a period of 12 steps": "follows from the stated a_1 = 1.5, a_2 = -0.75 (roots at angle pi/6)",
        "rather than 128": "the article's layer size, quoted from its code",
        "to try 128": "the article's layer size, quoted from its code (exercise 2)",
        "AR(1)": "the order-1 model, a named special case (persistence), not the order chosen by validation",
        "AR(2)": "the synthetic process whose known coefficients the fit must recover, a definition",
    },
}

# --------------------------------------------------------------------------------------
# Masking: everything that is not prose becomes spaces (positions are kept for context).

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.+-]+)\}\s*(?P<arg>.*)$")
RAW_DIRECTIVES = {
    "math",
    "code",
    "code-block",
    "code-cell",
    "sourcecode",
    "literalinclude",
    "raw",
    "bibliography",
    "eval-rst",
    "glossary",
    "mermaid",
    "graphviz",
    "csv-table",
    "toctree",
    "tableofcontents",
}
PATH_ARG_DIRECTIVES = {"figure", "image", "include", "literalinclude", "glue:figure"}
SOLUTION_TITLE = re.compile(r"^(Solution|Answer)s?\b", re.I)
EXCLUDED_ROLE = re.compile(
    r"^(glue(:\w*)?|cite(:\w+)?|numref|ref|eq|doc|math|download|"
    r"prf:ref|external(:.*)?|any)$"
)

NUM = r"\d+(?:[.,]\d+)*(?:[eE][-+−]?\d+)?"
NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?:[eE][-+−]?\d+)?")
MONTHS = (
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec"
).split()

REF_WORDS = (
    r"[Cc]hapters?|[Ss]ections?|[Ee]quations?|[Ee]qs?\.|[Ff]igs?\.|[Ff]igures?|"
    r"[Tt]ables?|[Ee]xercises?|Parts?|[Ss]olutions?|[Aa]ppendi(?:x|ces)|[Pp]ages?|"
    r"pp?\.|[Cc]h\.|[Ss]ec\.|[Tt]heorems?|[Ll]emmas?|[Aa]lgorithms?|[Ee]xamples?"
)
REFNUM = r"\d+(?:\.\d+)*[a-z]?"
ALLOW_RULES: list[tuple[str, re.Pattern]] = [
    (
        "reference",
        re.compile(
            rf"(?:\b(?:{REF_WORDS})|§§?)\s*{REFNUM}"
            rf"(?:\s*(?:,|and|or|to|–|-|&)\s*{REFNUM})*"
        ),
    ),
    ("ordinal", re.compile(r"\b\d+(?:st|nd|rd|th)\s+(?:chapter|section|edition|part)\b", re.I)),
    (
        "version",
        re.compile(
            r"\b(?:Python|Keras|TensorFlow|NumPy|SciPy|pandas|Jupyter Book|"
            r"myst-nb|MyST-NB|Sphinx|nbval|PyTorch|Matplotlib|tensorflow-cpu)"
            r"\s+v?\d+(?:\.\d+)*"
        ),
    ),
    ("seed", re.compile(r"\bseeds?[- ]\d+\b")),
    (
        "shape",
        re.compile(
            r"\b\d+\s*[×x]\s*\d+(?:\s*[×x]\s*\d+)*\s+(?:matrix|matrices|array|"
            r"arrays|grid|block|blocks|image|images|table)\b"
        ),
    ),
    ("dimension", re.compile(r"\b[1-3]-?D\b")),
    ("symbol = value", re.compile(rf"(?<![\w\\])[A-Za-zα-ωΑ-Ω](?:_\{{?\w+\}}?)?\s*=\s*[-−]?{NUM}")),
    ("reading time", re.compile(r"\b[Aa]bout\s+\d+\s+minutes\s+to\s+read\b")),
]
APPROX_IN_MATH = re.compile(r"(?:\\approx|≈|\\simeq)\s*[-−]?\d+\.\d+")
COUNT_IN_MATH = re.compile(r"(?<![\d.])(?:\d{1,3}(?:(?:\{,\}|\\,|,)\d{3})+|\d{5,})(?![\d.])")
NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred hundreds thousand thousands million millions "
    "billion dozen dozens half third thirds quarter quarters"
).split()
APPROX_WORDS = re.compile(
    r"\b(?:[Aa]bout|[Aa]pproximately|[Rr]oughly|[Aa]round|[Nn]early|"
    r"[Aa]lmost|[Cc]irca)\s+(?:an?\s+)?(?:{w})(?:[\s-]+(?:and\s+)?(?:{w}))*\b".format(
        w="|".join(NUMBER_WORDS)
    )
)


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces (newlines kept)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _blank_matches(text: str, pattern: re.Pattern, group: int = 0) -> str:
    for m in reversed(list(pattern.finditer(text))):
        if m.group(group) is not None:
            text = _blank(text, m.start(group), m.end(group))
    return text


@dataclass
class Section:
    """Where the scanner is in a document: carried from one cell to the next."""

    exercises: bool = False  # inside an ``Exercises`` section
    inputs: set[str] = field(default_factory=set)  # numbers given by the current statements
    after_solution: bool = False  # the last non-blank exercise line was in a solution


@dataclass
class Fence:
    char: str
    n: int
    raw: bool
    solution: bool
    options: bool = True  # directive options may still follow


@dataclass
class Finding:
    cell: int
    pos: int
    phrase: str
    context: str
    rule: str = "typed number"


@dataclass
class Masked:
    text: str  # the prose, everything else blanked
    kind: list[str] = field(default_factory=list)  # per line: "", "statement" or "solution"
    math: list[tuple[int, int, str]] = field(default_factory=list)  # math spans (start, end, src)


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LIST_MARKER = re.compile(r"^(\s*(?:>\s*)*(?:\*\*|__|\*|_)?)(\d{1,3})([.)])(?=\s)")
HEADING_NUMBER = re.compile(r"^(#{1,6}\s+)(\d+(?:\.\d+)*\.?)(?=\s)")
LABEL_LINE = re.compile(r"^\s*\([\w:.\-/]+\)=\s*$")
OPTION_LINE = re.compile(r"^\s*:[\w-]+:")

INLINE_PATTERNS = [
    re.compile(r"<!--.*?-->", re.S),  # (again, after fences)
    re.compile(r"\{\{.*?\}\}", re.S),  # substitutions
    re.compile(r"\[\^[^\]]+\]"),  # footnote labels
    re.compile(r"<https?://[^>\s]+>"),  # autolinks
    re.compile(r"https?://[^\s)>\]]+"),  # bare URLs
    re.compile(r"</?[A-Za-z][^<>\n]*>"),  # HTML tags
]
ROLE = re.compile(r"\{(?P<name>[^{}\s`]+)\}(?P<ticks>`+)(?P<body>.*?)(?P=ticks)(?!`)", re.S)
CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)", re.S)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
ENV_MATH = re.compile(r"\\begin\{(?P<env>[\w*]+)\}.*?\\end\{(?P=env)\}", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:[^$\\\n]|\\.|\n(?!\s*\n))+?(?<!\\)\$")
LINK_TARGET = re.compile(r"\]\((?P<target>[^()\s]*(?:\s+\"[^\"]*\")?)\)")
LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M)


def mask(src: str, section: Section) -> Masked:
    """Blank everything that is not prose in one markdown cell; update ``section``."""
    text = _blank_matches(src, re.compile(r"<!--.*?-->", re.S))
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    kind: list[str] = []
    stack: list[Fence] = []
    math: list[tuple[int, int, str]] = []
    offset = 0
    for line in lines:
        body = line.rstrip("\n")
        stripped = body.lstrip(" \t>")
        indent = len(body) - len(stripped)
        fm = FENCE.match(stripped)
        top = stack[-1] if stack else None
        blank_line = " " * len(body) + line[len(body) :]
        in_solution = any(f.solution for f in stack)
        kind.append("" if not section.exercises else "solution" if in_solution else "statement")
        if top is not None and top.raw:
            if fm and fm["fence"][0] == top.char and len(fm["fence"]) >= top.n and not fm["info"]:
                stack.pop()
            elif top.raw == "math":
                math.append((offset, offset + len(body), body))
            out.append(blank_line)
            offset += len(line)
            continue
        if fm:
            fence, info = fm["fence"], fm["info"]
            if not info and top is not None and fence[0] == top.char and len(fence) >= top.n:
                stack.pop()
                out.append(blank_line)
            elif not info and fence[0] == ":":
                out.append(blank_line)  # a stray closing colon fence
            else:
                dm = DIRECTIVE.match(info)
                if dm is None:  # ```python, ```text, ...: code
                    stack.append(Fence(fence[0], len(fence), raw=True, solution=False))
                    out.append(blank_line)
                else:
                    name, arg = dm["name"], dm["arg"]
                    raw = (
                        name in RAW_DIRECTIVES or name.startswith("glue") or name.startswith("code")
                    )
                    solution = bool(SOLUTION_TITLE.match(arg)) or in_solution
                    stack.append(
                        Fence(
                            fence[0],
                            len(fence),
                            raw="math" if name == "math" else raw,
                            solution=solution,
                        )
                    )
                    if solution and section.exercises:
                        kind[-1] = "solution"
                    if raw or name in PATH_ARG_DIRECTIVES or not arg:
                        out.append(blank_line)
                    else:  # keep the title/caption, blank the markup
                        start = len(body) - len(arg)
                        out.append(" " * start + arg + line[len(body) :])
            offset += len(line)
            continue
        if top is not None and top.options:
            if OPTION_LINE.match(stripped):
                out.append(blank_line)
                offset += len(line)
                continue
            top.options = False
        if LABEL_LINE.match(body) or stripped.startswith("%"):
            out.append(blank_line)
            offset += len(line)
            continue
        hm = HEADING.match(stripped)
        if hm and not stack:
            if len(hm[1]) <= 2:
                section.exercises = bool(re.match(r"Exercises?\b", hm[2], re.I))
            kind[-1] = ""
            nm = HEADING_NUMBER.match(stripped)
            if nm:
                s = indent + nm.start(2)
                line = line[:s] + " " * len(nm[2]) + line[s + len(nm[2]) :]
        lm = LIST_MARKER.match(line)
        if lm:
            line = line[: lm.start(2)] + " " * len(lm[2]) + line[lm.end(2) :]
        out.append(line)
        offset += len(line)
    text = "".join(out)
    text = _blank_matches(text, LINK_DEF)
    # roles: glue, citations, cross-references and math roles go; other roles keep their text
    for m in reversed(list(ROLE.finditer(text))):
        if EXCLUDED_ROLE.match(m["name"]):
            if m["name"] == "math":
                math.append((m.start("body"), m.end("body"), m["body"]))
            text = _blank(text, m.start(), m.end())
        else:
            text = _blank(text, m.start(), m.start("body"))
            text = _blank(text, m.end("body"), m.end())
    text = _blank_matches(text, CODE_SPAN)
    for pattern in (DISPLAY_MATH, ENV_MATH, INLINE_MATH):
        for m in reversed(list(pattern.finditer(text))):
            math.append((m.start(), m.end(), src[m.start() : m.end()]))
            text = _blank(text, m.start(), m.end())
    text = _blank_matches(text, LINK_TARGET, "target")
    for pattern in INLINE_PATTERNS:
        text = _blank_matches(text, pattern)
    return Masked(text, kind, math)


# --------------------------------------------------------------------------------------
# Scanning


def _context(src: str, start: int, end: int, width: int = 45) -> str:
    a, b = max(0, start - width), min(len(src), end + width)
    snippet = src[a:start] + "⟦" + src[start:end] + "⟧" + src[end:b]
    snippet = re.sub(r"\s+", " ", snippet)
    return ("…" if a > 0 else "") + snippet + ("…" if b < len(src) else "")


def _is_name(text: str, start: int, end: int) -> bool:
    """Digits glued to letters before them (float64, W_2), or hyphened to an upper-case name
    (SST-2, SHA-256): part of a name. ``lag-12`` is a lag, not a name."""
    before = text[max(0, start - 40) : start]
    if re.search(r"[A-Za-z_]\Z", before):
        return True
    word = re.search(r"([A-Za-z]+)-\Z", before)
    return bool(word and re.search(r"[A-Z]", word[1]))


def _is_year(text: str, start: int, end: int) -> bool:
    tok = text[start:end]
    if not re.fullmatch(r"(18|19|20)\d\d", tok):
        return False
    if re.match(r"-\d", text[end : end + 2]):  # 1951-12: a month of the data
        return False
    if re.match(r"\s+[a-z]+s\b", text[end : end + 30]):  # 2000 months: a count, not a year
        return False
    words = re.findall(r"[A-Za-z]+", text[max(0, start - 12) : start])
    return not (words and words[-1].lower() in MONTHS)


def _is_zero_one(text: str, start: int, end: int) -> bool:
    return text[start:end] in ("0", "1") and not re.match(r"\s?[%‰]", text[end : end + 2])


def _allowed_spans(src: str, text: str, allow: dict[str, str]) -> list[tuple[int, int, str]]:
    spans = []
    for name, rule in ALLOW_RULES:
        spans += [(m.start(), m.end(), name) for m in rule.finditer(text)]
    for phrase in {**ALLOW_GLOBAL, **allow}:
        spans += [(m.start(), m.end(), "allow-list") for m in _phrase_regex(phrase).finditer(src)]
    return spans


def _phrase_regex(phrase: str) -> re.Pattern:
    """An allow-list phrase, matched exactly except that any run of spaces may be any
    whitespace (a line break falls anywhere in a paragraph)."""
    return re.compile(r"\s+".join(re.escape(w) for w in phrase.split()))


def scan_markdown(
    src: str, section: Section | None = None, allow: dict[str, str] | None = None, cell: int = 0
) -> list[Finding]:
    """Every typed number in one markdown cell, as ``Finding``s (empty when it is clean)."""
    section = section if section is not None else Section()
    allow = allow or {}
    m = mask(src, section)
    text = m.text
    spans = _allowed_spans(src, text, allow)
    raw_lines = src.splitlines(keepends=True)
    line_starts, given = [], []
    pos = 0
    for kind, raw in zip(m.kind, raw_lines):
        line_starts.append(pos)
        pos += len(raw)
        if kind == "statement" and raw.strip():
            if section.after_solution:  # the next exercise: its own inputs
                section.inputs.clear()
            given_text = ROLE.sub(" ", LIST_MARKER.sub(r"\1", raw))
            section.inputs |= set(NUMBER.findall(given_text))
            section.after_solution = False
        elif kind == "solution" and raw.strip():
            section.after_solution = True
        given.append(set(section.inputs) if kind == "solution" else set())
    findings: list[Finding] = []

    def exempt(s: int, e: int) -> bool:
        """Allowed by a rule, by the allow-list, or as an exercise's given number."""
        if any(a <= s and e <= b for a, b, _ in spans):
            return True
        line = bisect.bisect_right(line_starts, s) - 1
        if line < 0 or line >= len(m.kind):
            return False
        if m.kind[line] == "statement":
            return True
        return bool(NUMBER.findall(src[s:e])) and set(NUMBER.findall(src[s:e])) <= given[line]

    for num in NUMBER.finditer(text):
        s, e = num.span()
        if _is_name(text, s, e) or _is_year(text, s, e) or _is_zero_one(text, s, e) or exempt(s, e):
            continue
        findings.append(Finding(cell, s, src[s:e], _context(src, s, e)))
    for a, _b, msrc in m.math:
        for pattern, rule in (
            (APPROX_IN_MATH, "typed approximate value in math"),
            (COUNT_IN_MATH, "typed count in math"),
        ):
            for hit in pattern.finditer(msrc):
                s, e = a + hit.start(), a + hit.end()
                if not exempt(s, e):
                    findings.append(Finding(cell, s, hit.group(), _context(src, s, e), rule))
    for hit in APPROX_WORDS.finditer(text):
        s, e = hit.span()
        if m.kind[bisect.bisect_right(line_starts, s) - 1] == "statement" or exempt(s, e):
            continue
        findings.append(
            Finding(cell, s, hit.group(), _context(src, s, e), "typed estimate in words")
        )
    return sorted(findings, key=lambda f: f.pos)


def scan_file(path: Path) -> list[Finding]:
    """Every typed number in a notebook's markdown cells or in a markdown page."""
    allow = ALLOW.get(path.name, {})
    section = Section()
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        findings = []
        for k, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "markdown":
                findings += scan_markdown("".join(cell["source"]), section, allow, k)
        return findings
    return scan_markdown(path.read_text(encoding="utf-8"), section, allow, 0)


def report(path: Path, findings: list[Finding]) -> str:
    where = "cell" if path.suffix == ".ipynb" else "page"
    lines = [f"{path.relative_to(ROOT)}: {len(findings)} typed number(s)"]
    for f in findings:
        lines.append(f"  {where} {f.cell}: {f.phrase!r} ({f.rule}): {f.context}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The book


@pytest.mark.parametrize("path", NOTEBOOKS + PAGES, ids=lambda p: p.name)
def test_no_typed_numbers_in_prose(path):
    findings = scan_file(path)
    if findings:
        pytest.fail(
            "numbers in prose must be glued from the cell that computes them "
            "(see tests/test_prose_numbers.py for what is allowed):\n" + report(path, findings),
            pytrace=False,
        )


def test_allow_list_entries_are_used_and_explained():
    """Every per-file allow-list entry names an existing file, occurs in it, and has a reason."""
    for name, entries in ALLOW.items():
        path = CHAPTERS / name
        assert path.exists(), f"ALLOW names a missing file {name}"
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(
                "".join(c["source"])
                for c in json.loads(text)["cells"]
                if c["cell_type"] == "markdown"
            )
        for phrase, reason in entries.items():
            assert len(reason) > 15, f"{name}: {phrase!r} needs a reason"
            assert _phrase_regex(phrase).search(text), (
                f"{name}: allow-list phrase {phrase!r} no longer occurs: remove it"
            )


# --------------------------------------------------------------------------------------
# The scanner itself


def _phrases(src: str, section: Section | None = None, allow=None) -> list[str]:
    return [f.phrase for f in scan_markdown(src, section, allow)]


@pytest.mark.parametrize(
    "src",
    [
        "The model reaches {glue:text}`acc:.2f` on the test set.",
        "It has {glue}`n_params` parameters and {glue:}`mae` error.",
        "The slope is $\\tanh'(0) = 1$ and $$\\sum_{k=1}^{10} k = 55$$ holds.",
        "An environment \\begin{align} x &= 2 \\\\ y &= 3 \\end{align} is math.",
        "Call `fit(epochs=30, batch_size=128)` first.",
        "As {cite:t}`elman1990finding` and {cite:p}`hochreiter1997long` showed.",
        "See {numref}`fig-05-series`, {eq}`eq-02-params` and {doc}`bibliography`.",
        "Elman (1990) and Jordan (1986) and Smith (1997a) wrote it in the 1990s.",
        "Chapter 4 and section 2.1, §3.1, eq. 3, Fig. 2, Table 1, exercise 5, chapters 6 and 10.",
        "The [notes of 2019](https://example.org/a/2/b3.html) explain it.",
        "<!-- 0.52 was the old value --> Nothing typed here.",
        "1. First item\n2. Second item\n",
        "**1. A fact.** Text.\n\n**2. Another fact.** Text.\n",
        "float64 and float32, SST-2, SHA-256, a 1-D array, Keras 3 and Python 3.11.",
        "The state starts at 0 and probabilities lie between 0 and 1.",
        "With k = 1 the horizon is the next month.",
        "A 2 × 2 matrix is enough.",
        "Trained from seed 0, like the seed-0 network.",
        "**Prerequisites.** About 40 minutes to read and run.",
    ],
)
def test_scanner_passes_non_results(src):
    assert _phrases(src) == []


@pytest.mark.parametrize(
    "src, typed",
    [
        ("The median norm of this run is about 0.52.", ["0.52"]),
        ("The model has 33 parameters.", ["33"]),
        ("By 36 months it is gone.", ["36"]),
        ("A uniform guess would cost about 6 bits.", ["6"]),
        ("It is 16,640 for the cell plus 129 for the head.", ["16,640", "129"]),
        ("Only 1 % of the units saturate.", ["1"]),
        ("The series runs from January 1749 to December 1983.", ["1749", "1983"]),
        ("Shown from the origin 1951-12 on.", ["1951", "12"]),
        ("the lag-12 autocorrelation", ["12"]),
        ("the last 15 % of the months", ["15"]),
        ("We train with learning rate 0.2.", ["0.2"]),
        ("A loss of 3e-4 at the end.", ["3e-4"]),
        ("Here $\\lVert DADA\\rVert_2 \\approx 5.1$.", ["\\approx 5.1"]),
        ("with about two thousand windows", ["about two thousand"]),
        ("Chapter 4 says the loss is 0.31.", ["0.31"]),
        ("{glue:text}`a` against 0.7 for the other.", ["0.7"]),
    ],
)
def test_scanner_flags_typed_numbers(src, typed):
    assert _phrases(src) == typed


def test_code_blocks_math_blocks_and_directive_options_are_skipped():
    src = (
        "Text.\n\n```python\nx = 0.52\n```\n\n```{math}\n:label: eq-7\nh = 3.5 x\n```\n\n"
        "```{figure} figs/plot_42.png\n:width: 80%\n:name: fig-3\n\nCaption without digits.\n```\n"
        "(sec-2)=\n## Next\n"
    )
    assert _phrases(src) == []


def test_prose_inside_a_directive_is_scanned():
    src = "```{note}\nThe run took 42 s.\n```\n"
    assert _phrases(src) == ["42"]


def test_table_cells_and_captions_are_scanned():
    # a list-table's options are skipped, its caption and cells are prose
    src = (
        ":::{list-table} Accuracy after 12 epochs.\n:header-rows: 1\n:widths: 20 80\n\n"
        "* - model\n  - accuracy\n* - GRU\n  - 80.1\n* - CNN\n  - {glue:text}`acc:.1f`\n:::\n"
    )
    assert _phrases(src) == ["12", "80.1"]


def test_exercise_statements_are_inputs_but_solutions_are_scanned():
    section = Section()
    src = (
        "## Exercises\n\n1. Train for 20 steps with `SimpleRNN(128)`.\n\n"
        ":::{dropdown} Solution 1\nAfter 20 steps the 128 units reach 0.42.\n:::\n\n"
        "2. Use $s = 0.5$.\n\n:::{dropdown} Solution 2\nWith 0.5, not 20, it is 3.\n:::\n\n"
        "## References\n\nA stray 17.\n"
    )
    assert _phrases(src, section) == ["0.42", "20", "3", "17"]
    assert section.exercises is False


def test_counts_in_math_are_flagged():
    assert _phrases("$128 + 128^2 + 128 = 16{,}640$ parameters") == ["16{,}640"]
    assert _phrases("$a_1 = 1.5$, $a_2 = -0.75$ and $\\exp(1000)$") == []


def test_a_year_needs_to_look_like_one():
    assert _phrases("the first 2000 months") == ["2000"]
    assert _phrases("published in 2000 by MIT Press") == []


def test_section_state_carries_across_cells():
    section = Section()
    assert _phrases("## Exercises\n", section) == []
    assert _phrases("2. Repeat with 64 units.\n", section) == []
    assert _phrases("## Summary\n\nIt scored 0.9.\n", section) == ["0.9"]


def test_allow_list_phrases_pass_only_where_listed():
    src = "Each number takes 4 bytes."
    assert _phrases(src) == ["4"]
    assert _phrases(src, allow={"4 bytes": "size of a float32"}) == []


def test_findings_carry_cell_and_context():
    (f,) = scan_markdown("The clipping threshold is 0.75, a little above the median.", cell=7)
    assert f.cell == 7 and f.phrase == "0.75" and "⟦0.75⟧" in f.context


if __name__ == "__main__":  # write the full report: python tests/test_prose_numbers.py [out]
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    found = {p: scan_file(p) for p in NOTEBOOKS + PAGES}
    text = (
        "Typed numbers in the chapters' prose (tests/test_prose_numbers.py; the rules are in "
        "its docstring).\nEach line: cell index (in the notebook's cell list), the phrase, "
        "the rule, and the context with the phrase in ⟦ ⟧.\n\n"
        + "\n\n".join(report(p, f) for p, f in found.items())
        + f"\n\ntotal: {sum(len(f) for f in found.values())}\n"
    )
    if out:
        out.write_text(text, encoding="utf-8")
    print(text)
