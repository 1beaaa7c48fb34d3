"""The course's structural rules: package boundaries, names that cannot be confused, installed commands."""

import ast
import importlib
import pathlib
import pkgutil
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


@pytest.mark.parametrize("package", ["botify/analysis", "botify/training"])
def test_analysis_and_training_never_import_the_service(package):
    """They read the log's own description and files, never today's registry."""
    assert offenders(package, "botify.service") == {}


def packages():
    """Every package of botify and sim, tests and benchmarks aside."""
    return sorted(
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in ("botify", "sim") for path in (ROOT / top).rglob("__init__.py")
        if not {"tests", "benchmarks"} & set(path.parent.relative_to(ROOT).parts)
    )


@pytest.mark.parametrize("package", packages())
def test_no_package_attribute_shadows_one_of_its_modules(package):
    """``import botify.analysis.significance as s`` must give the module, whatever the package exports."""
    module = importlib.import_module(package)
    exported = set(getattr(module, "__all__", [])) | set(getattr(module, "_LAZY", {}))
    for info in pkgutil.iter_modules(module.__path__):
        assert info.name not in exported, f"{package} exports {info.name!r}, the name of its module"
        value = getattr(module, info.name, None)
        assert value is None or getattr(value, "__name__", None) == f"{package}.{info.name}", (
            f"{package}.{info.name} is {value!r}, not the module")


def sibling_module_names():
    """(name, [packages]) for module names used in more than one package."""
    seen = {}
    for package in packages():
        for info in pkgutil.iter_modules([str(ROOT.joinpath(*package.split(".")))]):
            seen.setdefault(info.name, []).append(package)
    return {name: places for name, places in seen.items() if len(places) > 1 and name not in SHARED_ROLES}


# the same role in parallel packages: each package's command, errors, benchmarks, and base class of its folder
SHARED_ROLES = {"base", "benchmarks", "cli", "errors"}


def test_no_two_packages_have_modules_of_the_same_name():
    assert sibling_module_names() == {}


def test_no_two_sibling_modules_differ_by_one_letter():
    for package in packages():
        names = [info.name for info in pkgutil.iter_modules([str(ROOT.joinpath(*package.split(".")))])]
        close = [(a, b) for a in names for b in names if a < b and _one_edit_apart(a, b)]
        assert close == [], f"{package}: confusable module names {close}"


def _one_edit_apart(a, b):
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@pytest.mark.parametrize("package", ["botify/service", "botify/analysis", "botify/training"])
def test_tests_mirror_the_package(package):
    """Each test file of botify/tests/<sub>/ is named after a module of botify/<sub>/ (or says it is a
    cross-module test: integration, workers, outage, calibration)."""
    modules = {path.stem for path in (ROOT / package).rglob("*.py")} | {"recommenders"}
    folder = ROOT / "botify" / "tests" / pathlib.Path(package).name
    strays = [path.name for path in folder.glob("test_*.py")
              if path.stem[5:] not in modules and not path.stem.endswith(CROSS_MODULE)]
    assert strays == []


CROSS_MODULE = ("_integration", "_workers", "_outage", "_calibration", "_recipe")


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


def python_files(*tops, tests=False):
    """The .py files under ``tops``, test folders left out unless ``tests``."""
    return [path for top in tops for path in sorted((ROOT / top).rglob("*.py"))
            if tests or not {"tests"} & set(path.relative_to(ROOT).parts)]


def test_one_launcher_starts_botify_serve():
    """Only ``botify/launcher.py`` spells a ``serve`` command line; everyone else calls ``start_serve``."""
    spelled = []
    for path in python_files("botify", "homework", "seminars", "slides"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, (ast.List, ast.Tuple, ast.Call)):
                parts = node.elts if not isinstance(node, ast.Call) else node.args
                if any(isinstance(part, ast.Constant) and part.value == "serve" for part in parts):
                    spelled.append(str(path.relative_to(ROOT)))
    assert spelled == ["botify/launcher.py"]


def test_nothing_outside_the_master_imports_it():
    """The package reaches the master process through ``botify serve``, never imports it for a helper or a
    constant. (A homework example's offline tuner may borrow its embedded Redis.)"""
    outside = [path for path in python_files("botify", "seminars", "slides")
               if "master" not in path.relative_to(ROOT).parts]
    importers = {str(path.relative_to(ROOT)) for path in outside
                 for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
                 if isinstance(node, ast.ImportFrom)
                 and (node.module or "").startswith("botify.service.master")}
    assert importers == set()


def test_the_files_a_student_edits_sit_at_the_top_of_the_service():
    service = ROOT / "botify" / "service"
    top = {path.name for path in service.iterdir() if path.suffix == ".py" or (path / "__init__.py").exists()}
    assert {"registry.py", "recommenders", "session_state.py", "master", "loading"} <= top
    assert len(top - {"__init__.py"}) <= 20, f"{len(top)} rooms at the top of botify/service: {sorted(top)}"
