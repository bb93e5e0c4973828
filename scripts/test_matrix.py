"""The supported-versions matrix: the built wheel, installed into a fresh virtualenv per cell, runs the whole suite.

Each cell is a Python version with the XBlock and Django versions an Open edX release ships. The
wheel is built once from a clean copy of the checkout; each cell installs it (not the source
folder) with requirements/dev.txt under the cell's constraints, then runs pytest with the
checkout's tests importing the installed package (the checkout is on sys.path after site-packages,
through a `.pth` file and `--import-mode=append`; a test checks where `rtcm_xblocks` came from).
A Python that cannot be found is skipped with a message; any failing cell fails the run.
`make test-matrix`; `--cell NAME` runs one cell.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "matrix"

# What each supported release's edx-platform installs (requirements/edx/base.txt) and its Tutor image's Python.
CELLS = [
    {"name": "teak", "python": "3.11", "pins": ["XBlock>=5.0,<5.3", "Django>=4.2,<4.3"],
     "why": "Open edX Teak (Tutor 20): Python 3.11, XBlock 5.2, Django 4.2"},
    {"name": "ulmo", "python": "3.11", "pins": ["XBlock==5.3.0", "Django>=5.2,<5.3"],
     "why": "Open edX Ulmo (Tutor 21): Python 3.11, XBlock 5.3, Django 5.2"},
    {"name": "verawood", "python": "3.12", "pins": ["XBlock>=6,<7", "Django>=5.2,<5.3"],
     "why": "Open edX Verawood (Tutor 22): Python 3.12, the newest XBlock 6 and Django 5.2"},
]
_COPY_IGNORED = shutil.ignore_patterns(".git", ".venv*", "var", "dist", "build", "*.egg-info", "__pycache__",
                                       ".pytest_cache", ".hypothesis", "node_modules")


def find_python(version):
    """The interpreter for `version` ("3.12"): this one, one on PATH, or the newest under pyenv; None if absent."""
    candidates = [sys.executable] if f"{sys.version_info[0]}.{sys.version_info[1]}" == version else []
    candidates.append(shutil.which(f"python{version}"))
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python"),
                         key=lambda path: [int(part) for part in Path(path).parts[-3].split(".") if part.isdigit()],
                         reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            answer = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                    capture_output=True, text=True, check=False)  # a pyenv shim may not work
            if answer.returncode == 0 and answer.stdout.strip() == version:
                return candidate
    return None


def run(*command, **kwargs):
    print("+", " ".join(str(part) for part in command), flush=True)
    return subprocess.run([str(part) for part in command], check=False, **kwargs).returncode


def build_wheel(python):
    """Build the wheel once, from a copy of the checkout without local build leftovers; return its path."""
    dist = WORK / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="rtcm-matrix-") as folder:
        source = Path(folder) / "rtcm-xblocks"
        shutil.copytree(ROOT, source, ignore=_COPY_IGNORED)
        print("+ pip wheel", source, flush=True)
        built = subprocess.run([python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)],
                               capture_output=True, text=True, check=False)
        if built.returncode:
            raise SystemExit(f"could not build the wheel:\n{built.stdout}\n{built.stderr}")
    (wheel,) = dist.glob("rtcm_xblocks-*.whl")
    return wheel


def add_checkout_after_site_packages(python):
    """Let the venv import the suite's own packages (tests, workbench_site) from the checkout, after site-packages.

    A `.pth` file's folders go at the end of sys.path, so `rtcm_xblocks` still comes from the wheel.
    """
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "rtcm_checkout.pth").write_text(f"{ROOT}\n", encoding="utf-8")


def run_cell(cell, wheel, pytest_args):
    """Install the wheel into the cell's fresh virtualenv and run the suite; True if it passed."""
    python = find_python(cell["python"])
    if python is None:
        print(f"SKIPPED {cell['name']}: no Python {cell['python']} (looked on PATH and under ~/.pyenv/versions)")
        return None
    venv = WORK / f"{cell['name']}-py{cell['python']}"
    shutil.rmtree(venv, ignore_errors=True)
    bin_dir = venv / "bin"
    constraints = WORK / f"{cell['name']}-constraints.txt"
    constraints.write_text("\n".join(cell["pins"]) + "\n", encoding="utf-8")
    if (run(python, "-m", "venv", venv)
            or run(bin_dir / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
            or run(bin_dir / "python", "-m", "pip", "install", "-q", "-c", constraints, "setuptools",
                   "-r", ROOT / "requirements" / "dev.txt", wheel)):
        print(f"FAILED {cell['name']}: could not install the wheel and the test requirements")
        return False
    run(bin_dir / "python", "-c", "import sys, django, importlib.metadata as m, rtcm_xblocks; "
        "print('versions:', sys.version.split()[0], 'XBlock', m.version('XBlock'), 'Django', django.__version__, "
        "'xblock-sdk', m.version('xblock-sdk'), 'rtcm-xblocks', rtcm_xblocks.__version__, 'from', rtcm_xblocks.__file__)",
        cwd=tempfile.gettempdir())
    add_checkout_after_site_packages(bin_dir / "python")
    env = dict(os.environ, RTCM_TEST_INSTALLED_WHEEL="1")
    env.pop("PYTHONPATH", None)
    code = run(bin_dir / "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--import-mode=append",
               *pytest_args, cwd=ROOT, env=env)
    print(f"{'PASSED' if code == 0 else 'FAILED'} {cell['name']}: {cell['why']}", flush=True)
    return code == 0


def main(argv=None):
    """Run every cell (or the named ones); exit 1 if any failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cell", action="append", choices=[cell["name"] for cell in CELLS], help="run only this cell")
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(sys.executable)
    results = {cell["name"]: run_cell(cell, wheel, args.pytest_args)
               for cell in CELLS if not args.cell or cell["name"] in args.cell}
    print("matrix:", ", ".join(f"{name} {'skipped' if ok is None else 'passed' if ok else 'FAILED'}"
                               for name, ok in results.items()))
    return 1 if any(ok is False for ok in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
