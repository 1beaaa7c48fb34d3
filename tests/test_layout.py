"""The course's structural rules: package boundaries and installed commands."""

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def imported_modules(package):
    """Top-level names of every module imported anywhere under a package folder."""
    names = {}
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = [node.module]
            else:
                continue
            for name in found:
                names.setdefault(name, set()).add(path.relative_to(ROOT))
    return names


def offenders(package, forbidden):
    return {
        name: sorted(map(str, paths))
        for name, paths in imported_modules(package).items()
        if name == forbidden or name.startswith(forbidden + ".")
    }


@pytest.mark.parametrize("package, forbidden", [("sim", "botify"), ("botify", "sim")])
def test_sim_and_botify_never_import_each_other(package, forbidden):
    assert offenders(package, forbidden) == {}


@pytest.mark.parametrize("heavy", ["botify.analysis", "botify.training", "torch", "lightfm", "pandas"])
def test_service_never_imports_analysis_training_or_heavy_libraries(heavy):
    service = ROOT / "botify" / "service"
    if not service.exists():
        pytest.skip("botify.service is not written yet")
    assert offenders("botify/service", heavy) == {}


@pytest.mark.parametrize("command", ["botify", "sim"])
def test_console_scripts_are_installed_and_answer_help(command):
    executable = shutil.which(command, path=str(pathlib.Path(sys.executable).parent))
    assert executable, f"{command} is not installed next to {sys.executable}"
    result = subprocess.run([executable, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"usage: {command}" in result.stdout


def test_unknown_subcommand_is_one_clear_error():
    executable = shutil.which("botify", path=str(pathlib.Path(sys.executable).parent))
    result = subprocess.run([executable, "fly"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "invalid choice: 'fly'" in result.stderr
    assert "Traceback" not in result.stderr
