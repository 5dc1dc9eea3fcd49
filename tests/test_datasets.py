"""The data loaders: sizes and contents of the real data, checksums, and every error path."""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path

from rnnbook import datasets as ds

import numpy as np
import pytest


@pytest.fixture()
def data_env(shared_data_dir, monkeypatch):
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(shared_data_dir))
    return shared_data_dir


# --------------------------------------------------------------------------- real data
def test_registry_matches_the_manifest(shared_data_dir):
    manifest = shared_data_dir / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip("no MANIFEST.tsv beside the data")
    rows = [line.split("\t") for line in manifest.read_text().splitlines()[1:] if line.strip()]
    assert {r[0]: (r[3], r[1], int(r[2])) for r in rows} == ds.REGISTRY


@pytest.mark.parametrize("name", sorted(ds.REGISTRY))
def test_every_file_is_found_and_verified(data_env, name):
    path = ds.fetch(name)
    assert path == data_env / name
    assert path.stat().st_size == ds.REGISTRY[name][2]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ds.REGISTRY[name][1]


@pytest.mark.parametrize("split,n", [("train", 6920), ("dev", 872), ("test", 1821)])
def test_sst2(data_env, split, n):
    texts, labels = ds.load_sst2(split)
    assert len(texts) == len(labels) == n
    assert labels.dtype == np.int64 and set(np.unique(labels)) == {0, 1}
    assert all(isinstance(t, str) and t and t == t.strip() for t in texts)
    if split == "train":
        assert texts[0].startswith("a stirring , funny and finally transporting")
        assert labels[0] == 1


@pytest.mark.parametrize("split,n", [("train", 5452), ("test", 500)])
def test_trec(data_env, split, n):
    texts, labels = ds.load_trec(split)
    assert len(texts) == len(labels) == n
    assert set(np.unique(labels)) == set(range(6))
    assert ds.TREC_CLASSES == ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
    assert not any("\ufffd" in t for t in texts)
    if split == "train":
        assert texts[0] == "How did serfdom develop in and then leave Russia ?"
        assert ds.TREC_CLASSES[labels[0]] == "DESC"
        assert np.bincount(labels).tolist() == [86, 1162, 1250, 1223, 835, 896]
        # the train file is Latin-1: byte 0xF0 decodes to one character, not an error
        assert any("sister\u00f0city" in t for t in texts)


@pytest.mark.parametrize("split,n", [("train", 270), ("test", 370)])
def test_japanese_vowels(data_env, split, n):
    seqs, labels = ds.load_japanese_vowels(split)
    assert len(seqs) == len(labels) == n
    assert set(np.unique(labels)) == set(range(9))
    lengths = [s.shape[0] for s in seqs]
    assert all(s.ndim == 2 and s.shape[1] == 12 and s.dtype == np.float64 for s in seqs)
    assert 7 <= min(lengths) and max(lengths) <= 29
    if split == "train":
        assert np.bincount(labels).tolist() == [30] * 9
        assert seqs[0].shape == (20, 12)
        assert seqs[0][0, 0] == pytest.approx(1.860936) and seqs[0][1, 0] == pytest.approx(1.891651)
        assert seqs[0][0, 1] == pytest.approx(-0.207383)  # channel 2 starts after the ':'


def test_tiny_shakespeare(data_env):
    text = ds.load_tiny_shakespeare()
    assert len(text) == 1_115_394 and len(set(text)) == 65
    assert text.startswith("First Citizen:")


def test_time_series(data_env):
    d, v = ds.load_sunspots()
    assert d.dtype == np.dtype("datetime64[M]") and v.dtype == np.float64
    assert len(d) == len(v) == 2820
    assert d[0] == np.datetime64("1749-01") and d[-1] == np.datetime64("1983-12")
    assert np.all(np.diff(d) == np.timedelta64(1, "M")) and v[0] == 58.0 and v.min() >= 0
    d, v = ds.load_daily_min_temperatures()
    assert d.dtype == np.dtype("datetime64[D]") and len(d) == len(v) == 3650
    assert d[0] == np.datetime64("1981-01-01") and d[-1] == np.datetime64("1990-12-31")
    missing = np.setdiff1d(np.arange(d[0], d[-1] + 1), d)
    assert missing.tolist() == [np.datetime64("1984-12-31"), np.datetime64("1988-12-31")]
    assert np.datetime64("1984-02-29") in d and np.datetime64("1988-02-29") in d
    assert v[0] == 20.7 and -5 < v.min() and v.max() < 30
    d, v = ds.load_airline_passengers()
    assert len(d) == len(v) == 144 and d[0] == np.datetime64("1949-01") and v[0] == 112.0


def test_bad_split_and_unknown_file(data_env):
    with pytest.raises(
        ValueError, match=r"split must be one of \('train', 'dev', 'test'\), got 'valid'"
    ):
        ds.load_sst2("valid")
    with pytest.raises(ValueError, match="split must be one of"):
        ds.load_trec("dev")
    with pytest.raises(KeyError, match="unknown data file"):
        ds.fetch("nope/none.txt")


# --------------------------------------------------------------------------- error paths
NAME = "timeseries/airline-passengers.csv"


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    return {
        str(p.relative_to(folder)): (
            p.stat().st_size,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _Server:
    """A loopback HTTP server with one file (the test's own stand-in for the data host)."""

    def __init__(self, root: Path):
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
            *a, directory=str(root), **k
        )
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tampered_cached_file_is_refused_and_kept(shared_data_dir, tmp_path, monkeypatch):
    (tmp_path / "timeseries").mkdir()
    target = tmp_path / NAME
    shutil.copy(shared_data_dir / NAME, target)
    with open(target, "ab") as fh:
        fh.write(b'"1961-01",999\n')
    before = _snapshot(tmp_path)
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path))
    with pytest.raises(ds.ChecksumError) as err:
        ds.load_airline_passengers()
    msg = str(err.value)
    assert str(target) in msg and ds.REGISTRY[NAME][1] in msg and "RNNBOOK_DATA_DIR" in msg
    assert _snapshot(tmp_path) == before  # nothing deleted, nothing rewritten


def test_offline_without_cache_says_to_set_the_data_dir(tmp_path, monkeypatch):
    url, sha, size = ds.REGISTRY[NAME]
    monkeypatch.setitem(ds.REGISTRY, NAME, (f"http://127.0.0.1:{_free_port()}/x.csv", sha, size))
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(ds.DataUnavailableError) as err:
        ds.load_airline_passengers()
    msg = str(err.value)
    assert NAME in msg and sha in msg and "RNNBOOK_DATA_DIR" in msg
    assert not (tmp_path / "cache").exists()  # no file, and no empty folder either


def test_download_is_verified_and_atomic(shared_data_dir, tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(shared_data_dir / NAME, served / "airline.csv")
    cache = tmp_path / "cache"
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(cache))
    with _Server(served) as srv:
        _, sha, size = ds.REGISTRY[NAME]
        monkeypatch.setitem(ds.REGISTRY, NAME, (srv.url + "airline.csv", sha, size))
        dates, values = ds.load_airline_passengers()
    assert len(values) == 144
    files = [p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file()]
    assert files == [NAME]  # no temporary file left beside it
    assert hashlib.sha256((cache / NAME).read_bytes()).hexdigest() == sha


def test_download_with_wrong_bytes_saves_nothing(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    (served / "airline.csv").write_text('"Month","Passengers"\n"1949-01",1\n')
    cache = tmp_path / "cache"
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(cache))
    with _Server(served) as srv:
        _, sha, size = ds.REGISTRY[NAME]
        monkeypatch.setitem(ds.REGISTRY, NAME, (srv.url + "airline.csv", sha, size))
        with pytest.raises(ds.ChecksumError, match=sha):
            ds.load_airline_passengers()
    assert not cache.exists()  # nothing saved, no empty folders left


def test_failed_download_keeps_folders_that_existed(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    (cache / "timeseries").mkdir(parents=True)
    (cache / "timeseries" / "mine.txt").write_text("a reader's own file")
    url, sha, size = ds.REGISTRY[NAME]
    monkeypatch.setitem(ds.REGISTRY, NAME, (f"http://127.0.0.1:{_free_port()}/x.csv", sha, size))
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(cache))
    with pytest.raises(ds.DataUnavailableError):
        ds.load_airline_passengers()
    assert sorted(p.name for p in cache.rglob("*")) == ["mine.txt", "timeseries"]


def test_read_only_cache_is_only_read(shared_data_dir, tmp_path, monkeypatch):
    """A folder that holds good files is never written to (and no download is tried)."""
    ro = tmp_path / "ro"
    shutil.copytree(shared_data_dir, ro)
    for p in [ro, *ro.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    before = _snapshot(ro)
    import pooch

    def no_download(*a, **k):
        raise AssertionError("pooch.retrieve called although the file is cached")

    monkeypatch.setattr(pooch, "retrieve", no_download)
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(ro))
    try:
        ds.load_sst2("dev")
        ds.load_trec("train")
        ds.load_japanese_vowels("test")
        ds.load_sunspots()
        ds.load_tiny_shakespeare()
        assert _snapshot(ro) == before
        assert sorted(os.listdir(ro)) == sorted(os.listdir(shared_data_dir))
    finally:
        for p in [ro, *ro.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_default_cache_is_per_user(monkeypatch):
    monkeypatch.delenv("RNNBOOK_DATA_DIR", raising=False)
    import pooch

    assert ds.data_dir() == Path(pooch.os_cache("rnnbook"))
    monkeypatch.setenv("RNNBOOK_DATA_DIR", "~/somewhere")
    assert ds.data_dir() == Path.home() / "somewhere"


def test_download_writes_nothing_to_stderr(shared_data_dir, tmp_path, monkeypatch, capfd):
    """A chapter's first download must not fail its no-stderr rule: pooch logs "Downloading
    data from ..." to stderr by default; rnnbook says it on stdout instead."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(shared_data_dir / NAME, served / "airline.csv")
    monkeypatch.setenv("RNNBOOK_DATA_DIR", str(tmp_path / "cache"))
    with _Server(served) as srv:
        _, sha, size = ds.REGISTRY[NAME]
        monkeypatch.setitem(ds.REGISTRY, NAME, (srv.url + "airline.csv", sha, size))
        capfd.readouterr()
        ds.load_airline_passengers()
    out, err = capfd.readouterr()
    assert err == ""
    assert "airline.csv" in out and "downloading" in out.lower()


def test_default_cache_lookup_in_a_kernel_writes_nothing_to_stderr(tmp_path):
    """With RNNBOOK_DATA_DIR unset, finding the user cache imported pooch, which imports
    tqdm.auto; inside a Jupyter kernel without ipywidgets that warns on stderr (TqdmWarning:
    IProgress not found), and every chapter that reads data failed its no-stderr rule."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import rnnbook\nfrom rnnbook import datasets\nprint(datasets.data_dir())"
        )
    ]
    env = {k: v for k, v in os.environ.items() if k != "RNNBOOK_DATA_DIR"}
    env["HOME"] = str(tmp_path)  # the user cache, under a fresh home
    env.pop("XDG_CACHE_HOME", None)
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    ipc_dir = tmp_path / "ipc"  # IPC sockets: no "running over TCP" warning from the kernel
    ipc_dir.mkdir()
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    client.km = client.create_kernel_manager()
    client.km.transport = "ipc"
    client.km.ip = str(ipc_dir / "kernel-ipc")
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    outputs = nb.cells[0].outputs
    stderr = [o.get("text", "") for o in outputs if o.get("name") == "stderr"]
    assert stderr == []
    assert any(str(tmp_path) in o.get("text", "") for o in outputs if o.get("name") == "stdout")
