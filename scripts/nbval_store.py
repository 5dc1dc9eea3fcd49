"""A pytest plugin: store every notebook that ``pytest --nbval`` executed in the book's
jupyter-cache, so that ``jupyter-book build`` (``execute_notebooks: cache``) reuses those
outputs instead of executing the notebook a second time.

Switched on by the environment variable ``RNNBOOK_STORE_EXECUTED``: ``1`` stores into the
cache of the book that holds the notebook (``<book>/_build/.jupyter_cache``, the folder that
myst-nb uses, or ``execute.cache`` of the book's ``_config.yml``); any other non-empty value
except ``0`` is taken as the cache folder itself. ``make test`` and ``.ci/run`` set it.

How a notebook gets into the cache:

* while nbval runs a cell, the plugin records every IOPub message of the cell's kernel;
* the messages of the cell's execute request are turned into outputs by nbclient's own
  message handling (``NotebookClient.process_message``), which is what myst-nb's execution
  uses: streams, display data (``image/png``, glue's ``scrapbook`` metadata), execute
  results, ``clear_output`` and display updates give the outputs myst-nb would store;
* when the session ends, a notebook every one of whose code cells passed (none failed,
  errored or was skipped) is stored, with ``execution_seconds`` = the time nbval spent on it
  (kernel start included), which myst-nb's ``{nb-exec-table}`` shows. A notebook with a
  failed cell is not stored: the build then executes it itself, and fails on the error.

The cache matches a notebook by a hash of its code cells (source and metadata) and its
kernelspec, so the stored entry is found exactly when the build reads the same notebook.
Outputs on stderr are stored like any other: the strict build (``nb_output_stderr: warn``
with ``-W``) fails on them as if it had executed the notebook.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ENV_VAR = "RNNBOOK_STORE_EXECUTED"


@dataclass
class _Run:
    """What nbval did to one notebook file in this session."""

    path: Path
    nb: object  # the notebook as nbval read and executed it (nbformat.NotebookNode)
    messages: dict[int, list[dict]] = field(default_factory=dict)  # code cell -> IOPub msgs
    passed: set[int] = field(default_factory=set)  # code cells whose call phase passed
    problems: list[str] = field(default_factory=list)  # failed/skipped phases
    seconds: float = 0.0


_RUNS: dict[str, _Run] = {}


def cache_dir_for(notebook: Path, setting: str) -> Path:
    """The jupyter-cache folder for ``notebook`` given the value of ``RNNBOOK_STORE_EXECUTED``.

    ``1``: the cache of the Jupyter Book holding the notebook (the nearest folder above it with
    a ``_config.yml``): ``execute.cache`` of that file if set, else ``_build/.jupyter_cache``,
    where myst-nb keeps it for ``jupyter-book build``. Any other value: that folder.
    """
    if setting != "1":
        return Path(setting).expanduser().resolve()
    for book in notebook.resolve().parents:
        config = book / "_config.yml"
        if config.is_file():
            import yaml

            execute = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("execute")
            custom = (execute or {}).get("cache")
            return (book / custom).resolve() if custom else book / "_build" / ".jupyter_cache"
    raise FileNotFoundError(f"no _config.yml above {notebook}: set {ENV_VAR} to a cache folder")


def _setting() -> str | None:
    value = os.environ.get(ENV_VAR, "").strip()
    return None if value in ("", "0") else value


def _is_nbval_cell(item) -> bool:
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return False
    return isinstance(item, IPyNbCell)


def _run_for(item) -> _Run:
    key = item.nodeid.split("::")[0]
    if key not in _RUNS:
        _RUNS[key] = _Run(path=Path(str(item.parent.fspath)), nb=item.parent.nb)
    return _RUNS[key]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Execute the cell as Jupyter and nbclient do, and record the IOPub messages it sends.

    nbval sends each cell with ``store_history=False``; IPython then decides whether a
    trailing ``;`` silences the cell's value by looking at the *previous* stored input, so a
    figure cell ending in ``;`` gets a stray ``<Figure ...>`` result that the book's own
    execution (nbclient, ``store_history=True``) does not have. The cell is therefore sent as
    nbclient sends it, so that nbval runs what the book shows.
    """
    if not _is_nbval_cell(item) or item.parent.kernel is None:
        yield
        return
    kernel = item.parent.kernel
    recorded: list[dict] = []
    get_message = kernel.get_message

    def recording_get_message(stream, timeout=None):
        msg = get_message(stream, timeout=timeout)
        if stream == "iopub":
            recorded.append(msg)
        return msg

    def execute_as_jupyter(cell_input, allow_stdin=None):
        return kernel.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )

    kernel.execute_cell_input = execute_as_jupyter
    if _setting() is not None:
        kernel.get_message = recording_get_message
    try:
        yield
    finally:
        for name in ("get_message", "execute_cell_input"):  # back to the class's methods
            vars(kernel).pop(name, None)
        if _setting() is not None:
            _run_for(item).messages[item.cell_num] = recorded


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if _setting() is None or not _is_nbval_cell(item):
        return
    report = outcome.get_result()
    run = _run_for(item)
    run.seconds += report.duration
    if report.when == "call" and report.passed:
        run.passed.add(item.cell_num)
    elif not report.passed:
        run.problems.append(f"cell {item.cell_num} {report.when}: {report.outcome}")


def executed_notebook(nb, messages: dict[int, list[dict]]):
    """A copy of ``nb`` with the outputs that nbclient makes of each code cell's messages.

    ``messages[k]`` are the IOPub messages recorded while the k-th code cell ran; only those
    whose parent is the cell's execute request (the request of the final ``idle`` status)
    count. Execution counts are numbered 1, 2, ... as in a fresh kernel.
    """
    from ipykernel.ipkernel import IPythonKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete

    nb = copy.deepcopy(nb)
    client = NotebookClient(nb, record_timing=False)
    client.reset_execution_trackers()
    code = [k for k, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for number, index in enumerate(code):
        cell = nb.cells[index]
        cell.outputs = []
        client.clear_before_next_output = False
        msgs = messages[number]
        idle = [
            m
            for m in msgs
            if m["msg_type"] == "status" and m["content"].get("execution_state") == "idle"
        ]
        if not idle:
            raise ValueError(f"code cell {number}: no idle status among its messages")
        request = idle[-1]["parent_header"].get("msg_id")
        for msg in msgs:
            if msg["parent_header"].get("msg_id") != request:
                continue
            try:
                client.process_message(msg, cell, index)
            except CellExecutionComplete:
                break
        cell.execution_count = number + 1
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = number + 1
    # what nbclient records from the kernel's info reply (the same interpreter under
    # --nbval-current-env); myst-nb takes the code cells' lexer from it
    nb.metadata["language_info"] = copy.deepcopy(IPythonKernel.language_info)
    return nb


def store(nb, uri: str, seconds: float, cache_dir: Path):
    """Store an executed notebook in the jupyter-cache at ``cache_dir``; return the record."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    bundle = CacheBundleIn(nb, uri, data={"execution_seconds": seconds})
    return get_cache(str(cache_dir)).cache_notebook_bundle(
        bundle, check_validity=False, overwrite=True
    )


def _store_all() -> list[str]:
    """Store every notebook all of whose code cells passed; one line per notebook."""
    setting = _setting()
    lines = []
    for key, run in sorted(_RUNS.items()):
        n_code = sum(cell.cell_type == "code" for cell in run.nb.cells)
        missing = sorted(set(range(n_code)) - run.passed)
        if run.problems or missing:
            why = "; ".join(run.problems) or f"cells {missing} did not run"
            lines.append(f"not stored (the build will execute it): {key}: {why}")
            continue
        try:
            nb = executed_notebook(run.nb, run.messages)
            cache_dir = cache_dir_for(run.path, setting)
            record = store(nb, str(run.path.resolve()), run.seconds, cache_dir)
        except Exception as err:  # the test run itself passed: report, do not hide it
            lines.append(f"NOT STORED: {key}: {type(err).__name__}: {err}")
            continue
        lines.append(f"stored {key} ({run.seconds:.1f} s) in {cache_dir} as ID={record.pk}")
    return lines


def pytest_sessionfinish(session, exitstatus):
    if _setting() is None or not _RUNS:
        return
    session.config._rnnbook_store_lines = _store_all()  # printed by the terminal summary
    _RUNS.clear()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config):
    lines = getattr(config, "_rnnbook_store_lines", None)
    if lines:
        terminalreporter.section(f"executed notebooks stored for the book ({ENV_VAR})")
        for line in lines:
            terminalreporter.write_line(line)
