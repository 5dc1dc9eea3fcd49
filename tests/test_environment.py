"""What `import rnnbook` sets before TensorFlow starts, and why: nothing on stderr on any CPU.

TensorFlow turns oneDNN's custom operations on by default on CPUs with AVX-512 and then writes
four lines to stderr whatever ``TF_CPP_MIN_LOG_LEVEL`` says (absl's "All log messages before
absl::InitializeLog() ..." and "oneDNN custom operations are on ...", each twice). Forcing
``TF_ENABLE_ONEDNN_OPTS=1`` reproduces that on any x86-64 CPU, which is how these tests show
the mechanism on a machine without AVX-512.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import rnnbook
from rnnbook.book import to_python

import numpy as np
import pytest

_TF_VARS = tuple(rnnbook.ENVIRONMENT)
_PROBE = (
    "import os, rnnbook, tensorflow as tf\n"
    "tf.constant(1.0) + 1.0\n"  # start the runtime: kernels are registered and logged here
    "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _TF_VARS}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_rnnbook_then_tensorflow_prints_nothing_to_stderr():
    res = _run(_PROBE)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["0", "1"]  # the book's choices were applied
    assert res.stderr == "", f"stderr was not empty:\n{res.stderr}"


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"),
    reason="oneDNN custom operations exist on x86-64 only",
)
def test_oneDNN_forced_on_writes_to_stderr_which_is_why_the_book_turns_it_off():
    res = _run(_PROBE, TF_ENABLE_ONEDNN_OPTS="1")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["1", "1"]  # a reader's own setting is respected
    assert "oneDNN custom operations are on" in res.stderr  # in spite of TF_CPP_MIN_LOG_LEVEL=1


_BLAS_PROBE = (
    "import hashlib, rnnbook, numpy as np\n"
    "rng = np.random.default_rng(0)\n"
    "a, b = rng.normal(size=(300, 700)), rng.normal(size=(700, 500))\n"
    "print(hashlib.sha256((a @ b).tobytes()).hexdigest())\n"
)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every BLAS runs one thread")
def test_numpy_products_do_not_depend_on_the_number_of_cores():
    # With several threads OpenBLAS splits a product by thread count, and the last bits
    # change (seen here: 1 and 2 threads give different float64 results).
    default = _run(_BLAS_PROBE)
    one = _run(_BLAS_PROBE, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    assert default.returncode == one.returncode == 0, default.stderr + one.stderr
    assert default.stdout == one.stdout


def test_set_seed_can_turn_op_determinism_off_again():
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    try:
        rnnbook.set_seed(0)
        assert tf_config.is_op_determinism_enabled()
        rnnbook.set_seed(0, deterministic_ops=False)
        assert not tf_config.is_op_determinism_enabled()
    finally:
        rnnbook.set_seed(0)
    assert tf.config.experimental is not None


def test_glue_values_are_plain_python():
    assert type(to_python(np.float64(0.25))) is float
    assert repr(to_python(np.float32(0.5))) == "0.5"
    assert type(to_python(np.int64(3))) is int
    assert type(to_python(np.array(2.0))) is float
    assert to_python("text") == "text"
    with pytest.raises(ValueError, match=r"scalar.*\(2,\)"):
        to_python(np.zeros(2))


@pytest.mark.parametrize(
    "value, digits, direction, expected",
    [
        (0.05415, 2, "up", 0.055),
        (0.8560, 2, "down", 0.85),
        (0.009818, 2, "up", 0.0099),
        (3.09e-08, 1, "up", 4e-08),
        (2.523, 2, "up", 2.6),
        (0.25, 2, "up", 0.25),  # already short: unchanged
        (-0.05415, 2, "up", -0.054),
        (-0.05415, 2, "down", -0.055),
        (np.float64(123.4), 2, "down", 120.0),
        (0.0, 3, "up", 0.0),
    ],
)
def test_round_outward_keeps_a_bound_a_bound(value, digits, direction, expected):
    from rnnbook.book import round_outward

    got = round_outward(value, digits, direction)
    assert got == pytest.approx(expected, rel=1e-12)
    assert (got >= value) if direction == "up" else (got <= value)


def test_round_outward_rejects_bad_input():
    from rnnbook.book import round_outward

    with pytest.raises(ValueError, match="direction"):
        round_outward(1.0, 2, "nearest")
    with pytest.raises(ValueError, match="digits"):
        round_outward(1.0, 0, "up")
    with pytest.raises(ValueError, match="finite"):
        round_outward(float("inf"), 2, "up")
