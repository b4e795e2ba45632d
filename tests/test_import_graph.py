"""The package's layout: modules import each other without a cycle; each folder says what it holds.

A cycle held together by imports placed inside functions still couples the modules both ways
and breaks as soon as one of those imports moves to the top of its file.
"""

import ast
from pathlib import Path

import deepsentinel_pipelines

PACKAGE = "deepsentinel_pipelines"
ROOT = Path(deepsentinel_pipelines.__file__).resolve().parent


def module_names(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Dotted name of every module under the package folder ``root`` -> its file."""
    names = {}
    for path in root.rglob("*.py"):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, type_only: bool = False) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``.

    Those never run, so they cannot close a cycle at import time; with ``type_only`` they are
    counted too (two modules that need each other only for types are still coupled both ways).
    """
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node) and not type_only:
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def imported_modules(name: str, path: Path, modules: set[str], type_only: bool = False) -> set[str]:
    """The package modules that module ``name`` (file ``path``) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in _imports(ast.parse(path.read_text(), str(path)), type_only):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            candidates = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                for alias in node.names
            ]
        for candidate in candidates:
            # `import a.b.c` where only a.b is ours (a.b.c an attribute): the nearest module.
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def import_graph(
    root: Path = ROOT, package: str = PACKAGE, type_only: bool = False
) -> dict[str, set[str]]:
    """Module -> the package modules it imports (with ``type_only``, for types too)."""
    files = module_names(root, package)
    return {
        name: imported_modules(name, path, set(files), type_only) for name, path in files.items()
    }


def loops(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that reach each other through imports (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def describe(graph: dict[str, set[str]], group: set[str]) -> str:
    """One cycle through the group, and the group's other modules."""
    cycle = cycle_in(graph, group)
    others = sorted(group - set(cycle))
    return " -> ".join(cycle) + (f" (also in the loop: {', '.join(others)})" if others else "")


def cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph[node] & group):
                if succ == start:
                    return paths[node] + [start]
                if succ not in paths:
                    paths[succ] = paths[node] + [succ]
                    following.append(succ)
        frontier = following
    raise AssertionError(f"no cycle in a strongly connected group {group}")


def test_graph_resolves_absolute_relative_and_function_level_imports(tmp_path):
    files = {
        "__init__.py": "",
        "a.py": "from pkg import b\nimport os\n",
        "b.py": "def f():\n    from .c import thing\n    return thing\n",
        "c.py": "thing = 1\n\ndef g():\n    import pkg.a.name\n",
        "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
        "sub/__init__.py": "from .. import d\nfrom ..c import thing\n",
        "sub/e.py": "from . import f\nfrom pkg.sub import f as g\n",
        "sub/f.py": "",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    graph = import_graph(tmp_path / "pkg", "pkg")
    # Written by hand from the files above.
    assert graph == {
        "pkg": set(),
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.a"},
        "pkg.d": set(),
        "pkg.sub": {"pkg.d", "pkg.c"},
        "pkg.sub.e": {"pkg.sub.f"},
        "pkg.sub.f": set(),
    }
    assert [describe(graph, group) for group in loops(graph)] == [
        "pkg.a -> pkg.b -> pkg.c -> pkg.a"
    ]


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c", "x"}, "c": {"a", "d"}, "d": set(), "x": {"b"}}
    assert loops(graph) == [{"a", "b", "c", "x"}]
    assert describe(graph, {"a", "b", "c", "x"}) == "a -> b -> c -> a (also in the loop: x)"


def test_type_only_imports_count_when_asked(tmp_path):
    files = {
        "__init__.py": "",
        "a.py": "from pkg import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    assert loops(import_graph(tmp_path / "pkg", "pkg")) == []
    assert loops(import_graph(tmp_path / "pkg", "pkg", type_only=True)) == [{"pkg.a", "pkg.b"}]


def test_package_has_no_import_cycle_even_for_types():
    """Two modules that need each other only for types are still coupled both ways."""
    graph = import_graph(type_only=True)
    found = [describe(graph, group) for group in loops(graph)]
    assert not found, "import cycles (type-only imports included):\n" + "\n".join(found)


def test_the_top_level_holds_only_the_entry_modules_and_folders():
    modules = {path.name for path in ROOT.glob("*.py")}
    assert modules == {"__init__.py", "definitions.py", "settings.py", "jobs.py", "partitions.py"}


def test_every_folder_opens_with_a_docstring_saying_what_lives_there():
    missing = [
        str(init.relative_to(ROOT))
        for init in sorted(ROOT.rglob("__init__.py"))
        if not ast.get_docstring(ast.parse(init.read_text(), str(init)))
    ]
    assert not missing, f"folders without a docstring: {missing}"
