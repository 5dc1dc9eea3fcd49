"""Every public name of ``rnnbook`` is taught by a chapter, or listed here with the chapter that
will teach it; and every public docstring says where the book teaches it.

A name counts as *used* when a chapter notebook's code imports it or reaches it through an
attribute (``rp.subplots``, ``rnnbook.scratch.rnn_forward``, ``ts.Standardizer.fit``), or when a
markdown cell shows its source with ``{literalinclude}`` and ``:pyobject:``. A re-exported name
(``rnnbook.glue`` is ``rnnbook.book.glue``) counts under both spellings.

:data:`PENDING` lists the names that a planned chapter will use, :data:`UNASSIGNED` the public
names that no chapter plans to use yet. Both lists only shrink: a listed name that a chapter
now uses fails :func:`test_listed_names_are_not_used_yet`, so delete its entry when its
chapter lands (and let its docstring name the section instead of "pending").
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
MODULES = ["rnnbook"] + [
    f"rnnbook.{p.stem}"
    for p in sorted((ROOT / "rnnbook").glob("*.py"))
    if not p.stem.startswith("_")
]

_CH6 = "chapter 6 (text classification: SST-2, TREC)"
_CH9 = "chapter 9 (language modelling: Tiny Shakespeare)"

#: Public names that a planned chapter will use: "module.name" -> the chapter.
PENDING: dict[str, str] = {}

#: Public names that no chapter plans to use yet: "module.name" -> why they are public.
UNASSIGNED: dict[str, str] = {
    "rnnbook.tasks.copy_task": "a second long-memory task (Arjovsky et al. 2016); chapter 7 "
    "uses the adding problem",
    "rnnbook.__version__": "package metadata",
    "rnnbook.ENVIRONMENT": "what `import rnnbook` sets (README, tests/test_environment.py)",
    "rnnbook.book.to_python": "the conversion inside glue, tested on its own",
    "rnnbook.datasets.REGISTRY": "the data files and their checksums (README, tests)",
    "rnnbook.datasets.ChecksumError": "raised by every loader (README, data section)",
    "rnnbook.datasets.DataUnavailableError": "raised by every loader (README, data section)",
    "rnnbook.datasets.data_dir": "where the data are cached (README, data section)",
    "rnnbook.datasets.fetch": "the verified download behind every loader (README)",
    "rnnbook.datasets.load_daily_min_temperatures": "a series the README lists, no chapter yet",
    "rnnbook.datasets.load_airline_passengers": "a series the README lists, no chapter yet",
    "rnnbook.dynamics.ACTIVATIONS": "the activations step_jacobians accepts",
    "rnnbook.plotting.STYLE": "applied on import",
    "rnnbook.plotting.use_style": "applied on import",
    "rnnbook.plotting.plot_series": "a shared plot no chapter calls yet",
    "rnnbook.gradcheck.check_gradient": "the one-call check; chapters spell out its two steps",
}

#: Public classes that chapters receive from a function rather than name: class -> function.
RETURNED_BY: dict[str, str] = {
    "rnnbook.timeseries.ARModel": "rnnbook.timeseries.fit_ar",
}


# --------------------------------------------------------------------------- what chapters use
def _code_and_markdown(path: Path) -> tuple[list[str], list[str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return code, markdown


def _parse(src: str) -> ast.Module | None:
    """A cell's code without IPython magics and shell escapes; ``None`` if it does not parse
    (a chapter being edited: its cells are then scanned as text, see :func:`uses_in_code`)."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


_ATTRIBUTE_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)")


def _dotted(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; ``None`` if the chain does not start at a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def uses_in_code(cells: list[str]) -> set[str]:
    """Dotted ``rnnbook`` paths that the code imports or reaches by attribute, with prefixes."""
    trees = [_parse(src) for src in cells]
    # the imports of a cell that does not parse, one line at a time
    imports = [
        _parse(line)
        for src, tree in zip(cells, trees)
        if tree is None
        for line in src.splitlines()
        if re.match(r"(import|from) rnnbook", line)
    ]
    aliases: dict[str, str] = {}  # local name -> dotted path (imports anywhere in the notebook)
    used: set[str] = set()
    for tree in [t for t in trees + imports if t is not None]:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "rnnbook":
                        if a.asname:
                            aliases[a.asname] = a.name
                        else:
                            aliases["rnnbook"] = "rnnbook"
                        used.add(a.name)
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and node.module
                and node.module.split(".")[0] == "rnnbook"
            ):
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    used.add(f"{node.module}.{a.name}")
    chains = []
    for src, tree in zip(cells, trees):
        if tree is None:
            chains += [[name, *rest.split(".")[1:]] for name, rest in _ATTRIBUTE_CHAIN.findall(src)]
        else:
            chains += [
                _dotted(node)
                for node in ast.walk(tree)
                if isinstance(node, (ast.Attribute, ast.Name))
            ]
    for chain in chains:
        if chain and chain[0] in aliases:
            parts = aliases[chain[0]].split(".") + chain[1:]
            used.update(".".join(parts[:k]) for k in range(2, len(parts) + 1))
    return used


_INCLUDE = re.compile(r"\{literalinclude\}[ \t]+(\S+)[ \t]*\n((?:[ \t]*:[\w-]+:.*\n?)*)")


def uses_in_markdown(cells: list[str]) -> set[str]:
    """``module.object`` for each ``{literalinclude}`` of an rnnbook file with ``:pyobject:``."""
    used = set()
    for src in cells:
        for path, options in _INCLUDE.findall(src):
            p = Path(path)
            obj = re.search(r":pyobject:\s*(\S+)", options)
            if obj is None or p.parent.name != "rnnbook" or p.suffix != ".py":
                continue
            module = "rnnbook" if p.stem == "__init__" else f"rnnbook.{p.stem}"
            parts = f"{module}.{obj.group(1)}".split(".")
            used.update(".".join(parts[:k]) for k in range(2, len(parts) + 1))
    return used


def _canonical(dotted: str) -> str | None:
    """Where an object is defined (``rnnbook.glue`` -> ``rnnbook.book.glue``), if it is."""
    module, _, name = dotted.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None
    mod, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if isinstance(mod, str) and isinstance(qual, str) and mod.startswith("rnnbook"):
        return f"{mod}.{qual}"
    return None


@cache
def used_by_chapters() -> frozenset[str]:
    used: set[str] = set()
    for path in CHAPTER_NOTEBOOKS:
        code, markdown = _code_and_markdown(path)
        used |= uses_in_code(code) | uses_in_markdown(markdown)
    return frozenset(used | {c for u in used if (c := _canonical(u))})


def public_names() -> list[str]:
    return [f"{m}.{n}" for m in MODULES for n in importlib.import_module(m).__all__]


def is_used(dotted: str) -> bool:
    used = used_by_chapters()
    if dotted in RETURNED_BY:
        return is_used(RETURNED_BY[dotted])
    return dotted in used or _canonical(dotted) in used


# --------------------------------------------------------------------------- the tests
def test_the_scanner_sees_imports_attributes_and_literalincludes():
    code = [
        "import rnnbook\nimport rnnbook.plotting as rp\nfrom rnnbook import timeseries as ts\n"
        "from rnnbook.scratch import rnn_forward as fwd\n%matplotlib inline\n",
        "fig, ax = rp.subplots()\nsc = ts.Standardizer.fit(x)\nrnnbook.glue('k', 1)\n"
        "h = rnnbook.scratch.rnn_backward\nnp.random.seed(0)\n",
    ]
    used = uses_in_code(code)
    assert {
        "rnnbook.plotting.subplots",
        "rnnbook.timeseries.Standardizer",
        "rnnbook.timeseries.Standardizer.fit",
        "rnnbook.scratch.rnn_forward",
        "rnnbook.glue",
        "rnnbook.scratch.rnn_backward",
    } <= used
    assert not any(u.startswith("np") for u in used)
    md = [
        "Here it is:\n\n```{literalinclude} ../rnnbook/scratch.py\n:pyobject: rnn_step\n"
        ":language: python\n```\n",
        ":::{literalinclude} ../rnnbook/timeseries.py\n:pyobject: ARModel.predict\n:::\n",
    ]
    assert uses_in_markdown(md) == {
        "rnnbook.scratch",
        "rnnbook.scratch.rnn_step",
        "rnnbook.timeseries",
        "rnnbook.timeseries.ARModel",
        "rnnbook.timeseries.ARModel.predict",
    }
    # a cell that does not parse (a chapter mid-edit) is scanned as text
    assert "rnnbook.plotting.plot_history" in uses_in_code(
        [code[0], 'rp.plot_history(h)\nprint(f"unterminated\n)']
    )
    assert _canonical("rnnbook.glue") == "rnnbook.book.glue"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_its_public_names(module):
    mod = importlib.import_module(module)
    assert isinstance(getattr(mod, "__all__", None), list), f"{module} has no __all__ list"
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{module}.__all__ names what the module does not define: {missing}"
    assert len(set(mod.__all__)) == len(mod.__all__), f"{module}.__all__ repeats a name"


def test_lists_name_public_names_only():
    public = set(public_names())
    for listed in (PENDING, UNASSIGNED, RETURNED_BY, set(RETURNED_BY.values())):
        stray = sorted(set(listed) - public)
        assert not stray, f"not in any __all__ (renamed or removed?): {stray}"
    assert not set(PENDING) & set(UNASSIGNED)
    assert not set(RETURNED_BY) & (set(PENDING) | set(UNASSIGNED))


def test_every_public_name_is_used_by_a_chapter_or_listed():
    unused = [
        n for n in public_names() if not is_used(n) and n not in PENDING and n not in UNASSIGNED
    ]
    assert not unused, (
        "public names that no chapter uses and that are not listed in PENDING (with the chapter "
        f"that will use them) or UNASSIGNED: {unused}"
    )


def test_listed_names_are_not_used_yet():
    stale = sorted(n for n in (*PENDING, *UNASSIGNED) if is_used(n))
    assert not stale, (
        f"a chapter now uses {stale}: delete them from PENDING/UNASSIGNED in this file, and "
        "let their docstrings name the chapter's section instead of 'pending'"
    )


# --------------------------------------------------------------------------- docstrings
_WHERE = re.compile(r"\b[Cc]hapters? \d|\b[Pp]ending\b|README|CONTRIBUTING")


def _documented_objects():
    for dotted in public_names():
        module, _, name = dotted.rpartition(".")
        obj = getattr(importlib.import_module(module), name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if _canonical(dotted) == dotted:  # re-exports are checked where they are defined
                yield dotted, obj


@pytest.mark.parametrize("dotted,obj", list(_documented_objects()), ids=lambda v: str(v))
def test_public_docstring_says_where_the_book_teaches_it(dotted, obj):
    doc = inspect.getdoc(obj) or ""
    module_doc = inspect.getdoc(importlib.import_module(obj.__module__)) or ""
    assert doc, f"{dotted} has no docstring"
    assert _WHERE.search(doc) or (inspect.isclass(obj) and _WHERE.search(module_doc)), (
        f"{dotted}: the docstring names no chapter section ('Chapter 2, §\"The Elman cell\"'), "
        "no pending chapter ('pending: chapter 7 (LSTM and GRU)') and no README section"
    )


def _headings(chapter: int) -> list[str] | None:
    paths = [p for p in CHAPTER_NOTEBOOKS if p.name.startswith(f"{chapter:02d}_")]
    if not paths:
        return None
    _, markdown = _code_and_markdown(paths[0])
    return [
        " ".join(line.lstrip("#").split())
        for src in markdown
        for line in src.splitlines()
        if line.startswith("#")
    ]


_REF = re.compile(r"\b[Cc]hapter (\d+)|§\"([^\"]+)\"")


def test_sections_cited_in_docstrings_exist():
    """``Chapter N, §"Heading"`` in a docstring names a heading of chapter N's notebook."""
    missing = []
    for module in MODULES:
        mod = importlib.import_module(module)
        docs = [inspect.getdoc(mod) or ""]
        for _, obj in inspect.getmembers(mod):
            if getattr(obj, "__module__", None) == module and (
                inspect.isfunction(obj) or inspect.isclass(obj)
            ):
                docs.append(inspect.getdoc(obj) or "")
        for doc in docs:
            chapter = None
            for number, section in _REF.findall(" ".join(doc.split())):
                if number:
                    chapter = int(number)
                elif chapter is not None and (heads := _headings(chapter)) is not None:
                    if section not in heads:
                        missing.append(f'{module}: chapter {chapter}, §"{section}"')
    assert not missing, f"sections cited in docstrings that the chapters do not have: {missing}"
