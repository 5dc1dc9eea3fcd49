"""The per-notebook time budget that `make test` enforces (conftest.py at the root)."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_conftest():
    spec = importlib.util.spec_from_file_location("rnnbook_root_conftest", ROOT / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_budgets_come_from_notebook_metadata(tmp_path):
    ct = _load_conftest()
    ct.ROOT = tmp_path
    (tmp_path / "heavy.ipynb").write_text(json.dumps({"metadata": {"rnnbook": {"budget_s": 240}}}))
    (tmp_path / "light.ipynb").write_text(json.dumps({"metadata": {}}))
    assert ct._budget("heavy.ipynb") == 240 and ct._budget("light.ipynb") == 120
    ct._NB_SECONDS.update({"heavy.ipynb": 200.0, "light.ipynb": 119.0})
    assert ct._over_budget() == []
    ct._NB_SECONDS["light.ipynb"] = 121.0
    assert ct._over_budget() == ["light.ipynb: 121.0 s > 120 s"]


def test_the_whole_book_has_a_budget_too(tmp_path):
    ct = _load_conftest()
    ct.ROOT = tmp_path
    for k in range(13):  # each within its own 120 s, together over 25 minutes
        ct._NB_SECONDS[f"ch{k}.ipynb"] = 119.0
    assert ct._over_budget() == ["the whole book: 1547.0 s > 1500 s"]


def test_cell_reports_are_summed_per_notebook():
    ct = _load_conftest()

    class Report:
        def __init__(self, nodeid, duration):
            self.nodeid, self.duration = nodeid, duration

    for r in [
        Report("chapters/a.ipynb::Cell 0", 1.5),
        Report("chapters/a.ipynb::Cell 1", 2.0),
        Report("tests/test_x.py::test_y", 9.0),
    ]:
        ct.pytest_runtest_logreport(r)
    assert dict(ct._NB_SECONDS) == {"chapters/a.ipynb": 3.5}
