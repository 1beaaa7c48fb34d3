"""How much a newcomer meets in ``botify/service/``: its top-level modules, the import edges between its
parts (a sub-package counts as one part) and whether any module imports in a circle.

Run: ``.venv/bin/python botify/benchmarks/service_shape.py [FOLDER]``; the figures are quoted in
botify/README.md's layout section. It reads the source with ``ast`` and imports nothing.
"""

import ast
import pathlib
import sys

PACKAGE = "botify.service"


def modules(root):
    """{dotted name: path} of every module under ``root`` (a package's ``__init__`` named as the package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.with_suffix("").relative_to(root.parent.parent).parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


def import_edges(found):
    """(importer, imported) pairs between the modules of ``found``."""
    edges = set()
    for name, path in found.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges |= {(name, target) for target in targets if target in found and target != name}
    return edges


def part(name):
    """The top-level module or sub-package ``name`` belongs to."""
    rest = name.removeprefix(PACKAGE).lstrip(".")
    return rest.split(".")[0] if rest else "(package)"


def has_cycle(edges):
    graph = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
    state = {}

    def visit(node):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open" or (nxt not in state and visit(nxt)):
                return True
        state[node] = "done"
        return False

    return any(visit(node) for node in list(graph) if node not in state)


def main(root):
    found = modules(root)
    edges = import_edges(found)
    top = [path for path in root.glob("*.py") if path.stem != "__init__"]
    packages = sorted(path.name for path in root.iterdir() if (path / "__init__.py").is_file())
    parts = {(part(a), part(b)) for a, b in edges}
    between = {(a, b) for a, b in parts if a != b and "(package)" not in (a, b)}
    no_reexports = {(a, b) for a, b in edges if b != PACKAGE}  # the package's __init__ re-exports create_app
    print(f"top-level modules: {len(top)}; sub-packages: {', '.join(packages)}")
    print(f"import edges between the parts (a sub-package counts as one): {len(between)}")
    print(f"a module importing in a circle: {'yes' if has_cycle(no_reexports) else 'no'}")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "botify/service"))
