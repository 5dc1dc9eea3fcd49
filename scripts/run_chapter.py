"""Run one chapter notebook top to bottom in a fresh kernel and report what a reader would see.

    python scripts/run_chapter.py chapters/02_the_recurrent_cell.ipynb [--save OUT.ipynb]
                                  [--figures DIR] [--budget SECONDS]

Prints the wall time, then fails (exit 1) if a cell raised, if anything was written to
stderr (warnings, TensorFlow log lines), or if the run took longer than ``--budget`` seconds
(default: 120, or the ``rnnbook.budget_s`` of the notebook's metadata). The notebook
file itself is not modified; ``--save`` writes the executed copy, ``--figures`` its PNGs.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--figures", type=Path)
    ap.add_argument("--budget", type=float)
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    budget = args.budget or nb.metadata.get("rnnbook", {}).get("budget_s", 120)
    # the kernel on IPC (a local socket file): over TCP, ipykernel 7 warns on stderr at start-up
    # that the connection is unencrypted, a line that does not come from the notebook
    ipc_dir = tempfile.mkdtemp(prefix="rnnbook-kernel-")
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(ipc_dir, "kernel-ipc")  # socket files go here
    client = NotebookClient(
        nb,
        config=config,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(args.notebook.parent)}},
    )
    start = time.perf_counter()
    failed = None
    try:
        client.execute()
    except CellExecutionError as err:
        failed = err
    elapsed = time.perf_counter() - start
    shutil.rmtree(ipc_dir, ignore_errors=True)

    problems = []
    for k, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {k}: stderr: {out['text'][:500]!r}")
            expected = "raises-exception" in cell.get("metadata", {}).get("tags", [])
            if out.get("output_type") == "error" and not expected:  # nbval's tag: an error
                problems.append(f"cell {k}: {out['ename']}: {out['evalue'][:500]}")
    if args.save:
        nbformat.write(nb, args.save)
    if args.figures:
        args.figures.mkdir(parents=True, exist_ok=True)
        n = 0
        for k, cell in enumerate(nb.cells):
            for j, out in enumerate(cell.get("outputs", [])):
                png = out.get("data", {}).get("image/png")
                if png:
                    (args.figures / f"cell{k:02d}_{j}.png").write_bytes(base64.b64decode(png))
                    n += 1
        print(f"{n} figures written to {args.figures}")
    print(
        json.dumps(
            {"notebook": str(args.notebook), "seconds": round(elapsed, 1), "budget_s": budget}
        )
    )
    if failed is not None and not problems:
        problems.append(str(failed)[:2000])
    if elapsed > budget:
        problems.append(f"took {elapsed:.1f} s, over the budget of {budget} s")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
