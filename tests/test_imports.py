"""mechgan's modules import one another without a circle, and the library never imports Streamlit."""
import ast
from graphlib import TopologicalSorter
from pathlib import Path

import mechgan

PACKAGE = Path(mechgan.__file__).parent
MODULES = {p.stem: ast.parse(p.read_text()) for p in PACKAGE.glob("*.py")}


def _imported(tree: ast.Module) -> set[str]:
    """Every module named by an import anywhere in the file (top level or inside a function)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


def _mechgan_deps(tree: ast.Module, own: str) -> set[str]:
    return {n.split(".")[1] for n in _imported(tree) if n.startswith("mechgan.")} & set(MODULES) - {own}


def test_no_import_circle_in_mechgan():
    graph = {name: _mechgan_deps(tree, name) for name, tree in MODULES.items()}
    assert sum(map(len, graph.values())) > len(graph)  # the walk does see the package's imports
    order = list(TopologicalSorter(graph).static_order())  # CycleError names the circle
    assert order.index("config") < order.index("training") < order.index("runs")


def test_the_library_never_imports_streamlit():
    assert not [name for name, tree in MODULES.items() if any(n.split(".")[0] == "streamlit" for n in _imported(tree))]
