"""The benchmark scripts work, and the report-scale data they measure is correct (their timing is not tested)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(*args: str, calibrated: bool = True) -> str:
    """The script's output; it exits 1 when an indicator is out of tolerance, 0 when all are within."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env={"DJANGO_DEBUG": "true", "PATH": ""}
    )
    assert done.returncode in ((0,) if calibrated else (0, 1)), done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_report_scale_dataset_reproduces_the_report_within_tolerance(tmp_path):
    out = _run("bench/generate_dataset.py", "--scale", "report", "--seed", "2023", "--out", str(tmp_path))
    assert "12,950 rows" in out
    assert "\n0 indicator(s) out of tolerance" in out


def _verification(out: str) -> list[str]:
    return out[out.index("\nverification") :].splitlines()[2:]


def test_the_national_scale_keeps_its_little_giants_as_calibrated_as_the_demo_s(tmp_path):
    # The demo's sample misses a batch figure on its own (too few firms); what matters here is that the
    # small firms added around the same 小巨人 change none of their figures.
    demo = _run("bench/generate_dataset.py", "--scale", "demo", "--out", str(tmp_path / "demo"), calibrated=False)
    national = _run(
        "bench/generate_dataset.py",
        *("--scale", "national-demo", "--small-firms", "60", "--out", str(tmp_path / "n")),
        calibrated=False,
    )
    assert _verification(national) == _verification(demo)
    demo_rows = int(demo.split("enterprises.csv: ")[1].split(" rows")[0])
    assert f"enterprises.csv: {demo_rows + 60} rows" in national
