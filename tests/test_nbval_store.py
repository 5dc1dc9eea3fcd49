"""The plugin that stores notebooks executed by ``pytest --nbval`` in the book's jupyter-cache
(``scripts/nbval_store.py``): the build must find them there, with the outputs nbclient
would have made and nbval's execution time, so that it executes no notebook again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scripts import nbval_store

import nbformat
import pytest
from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parents[1]


def _msg(msg_type: str, parent: str, **content) -> dict:
    return {
        "msg_type": msg_type,
        "header": {"msg_type": msg_type},
        "parent_header": {"msg_id": parent},
        "content": content,
    }


def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# A probe")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_outputs_are_made_from_the_cells_own_messages_as_nbclient_does():
    nb = _notebook("print('a'); print('b')", "glue('n', 3, display=False)")
    glued = {"application/papermill.record/text/plain": "3"}
    scrap = {"scrapbook": {"name": "n", "mime_prefix": "application/papermill.record/"}}
    messages = {
        0: [
            _msg("stream", "earlier-request", name="stdout", text="stale\n"),  # not this cell
            _msg("status", "req0", execution_state="busy"),
            _msg("execute_input", "req0", code="...", execution_count=5),
            _msg("stream", "req0", name="stdout", text="progress"),
            _msg("clear_output", "req0", wait=True),  # cleared by the next output
            _msg("stream", "req0", name="stdout", text="a\n"),
            _msg("stream", "req0", name="stdout", text="b\n"),
            _msg("status", "req0", execution_state="idle"),
        ],
        1: [
            _msg("display_data", "req1", data=glued, metadata=scrap, transient={}),
            _msg(
                "execute_result", "req1", data={"text/plain": "3"}, metadata={}, execution_count=9
            ),
            _msg("status", "req1", execution_state="idle"),
        ],
    }
    out = nbval_store.executed_notebook(nb, messages)
    assert nb.cells[1].outputs == [], "the input notebook is not modified"
    first, second = out.cells[1], out.cells[2]
    assert [o.text for o in first.outputs] == ["a\n", "b\n"]
    assert second.outputs[0].output_type == "display_data"
    assert second.outputs[0].metadata == scrap and second.outputs[0].data == glued
    assert second.outputs[1].execution_count == 2
    assert (first.execution_count, second.execution_count) == (1, 2)
    assert out.metadata.language_info["pygments_lexer"] == "ipython3"


def test_the_cache_folder_is_the_books(tmp_path):
    (tmp_path / "chapters").mkdir()
    nb_path = tmp_path / "chapters" / "x.ipynb"
    (tmp_path / "_config.yml").write_text("title: t\n")
    assert nbval_store.cache_dir_for(nb_path, "1") == tmp_path / "_build" / ".jupyter_cache"
    (tmp_path / "_config.yml").write_text("execute:\n  cache: my_cache\n")
    assert nbval_store.cache_dir_for(nb_path, "1") == (tmp_path / "my_cache").resolve()
    assert nbval_store.cache_dir_for(nb_path, str(tmp_path / "c")) == tmp_path / "c"


def test_a_stored_notebook_is_found_by_the_build_with_its_outputs_and_time(tmp_path):
    source = _notebook("x = 1", "print(x)")
    executed = nbval_store.executed_notebook(
        source,
        {
            0: [_msg("status", "r0", execution_state="idle")],
            1: [
                _msg("stream", "r1", name="stdout", text="1\n"),
                _msg("status", "r1", execution_state="idle"),
            ],
        },
    )
    nbval_store.store(executed, "x.ipynb", 12.5, tmp_path / "cache")
    cache = get_cache(str(tmp_path / "cache"))
    record = cache.match_cache_notebook(source)  # what myst-nb does with the file it reads
    assert record.data == {"execution_seconds": 12.5}
    _, merged = cache.merge_match_into_notebook(source)
    assert merged.cells[2].outputs[0].text == "1\n"
    assert merged.cells[0].source == "# A probe", "markdown comes from the source"
    changed = _notebook("x = 2", "print(x)")
    with pytest.raises(KeyError):
        cache.match_cache_notebook(changed)  # an edited cell is executed by the build again


PROBE = [
    "x = 41 + 1\nx;",  # a trailing ';' silences the value, as in Jupyter
    "from myst_nb import glue\nglue('answer', x, display=False)",
    "print('out')\nx",
]


def _run_nbval(book: Path, store: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        RNNBOOK_STORE_EXECUTED=store,
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "scripts.nbval_store",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "-q",
            "probe.ipynb",
        ],
        cwd=book,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_nbval_stores_a_notebook_that_passed_and_not_one_that_failed(tmp_path):
    (tmp_path / "_config.yml").write_text("title: probe\n")
    nb = _notebook(*PROBE)
    nbformat.write(nb, tmp_path / "probe.ipynb")
    run = _run_nbval(tmp_path, "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "stored probe.ipynb" in run.stdout
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    record = cache.match_cache_notebook(nbformat.read(tmp_path / "probe.ipynb", as_version=4))
    assert record.data["execution_seconds"] > 0
    _, merged = cache.merge_match_into_notebook(nb)
    silenced, glued, printed = (c.outputs for c in merged.cells[1:])
    assert silenced == []
    assert glued[0].metadata["scrapbook"]["name"] == "answer"
    assert glued[0].data == {"application/papermill.record/text/plain": "42"}
    assert [o.output_type for o in printed] == ["stream", "execute_result"]
    assert printed[1].data["text/plain"] == "42"

    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('probe')"))
    nbformat.write(nb, tmp_path / "probe.ipynb")
    run = _run_nbval(tmp_path, "1")
    assert run.returncode == 1
    assert "not stored (the build will execute it): probe.ipynb" in run.stdout
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nb)
