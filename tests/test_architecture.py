"""The shape of the code: imports flow app.py -> qa -> index with no cycles, and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# (importer prefix, imported prefix): the importer may never import it. Prefixes match whole dotted parts.
FORBIDDEN = [
    ("index", "qa"),
    ("index", "app"),
    ("index", "app_library"),
    ("index", "gradio"),
    ("index", "openai"),  # index never talks to an LLM, not even for embeddings
    ("index", "xllamacpp"),
    ("index", "llama_index.llms"),
    ("qa", "app"),
    ("qa", "app_library"),
    ("qa", "gradio"),
    # Inside qa, the layers: records and settings, then LLM backends, the pipeline, and the users of the
    # pipeline (chat, eval, the command line), none of which the pipeline may know.
    ("qa.llm", "qa.pipeline"),
    ("qa.llm", "qa.chat"),
    ("qa.llm", "qa.eval"),
    ("qa.llm", "qa.cli"),
    ("qa.pipeline", "qa.chat"),
    ("qa.pipeline", "qa.eval"),
    ("qa.pipeline", "qa.cli"),
    ("qa.chat", "qa.eval"),
    ("qa.chat", "qa.cli"),
    ("qa.eval", "qa.chat"),
    ("qa.eval", "qa.cli"),
]
MAX_LINES = 300
LONGER: dict[str, tuple[int, str]] = {  # modules allowed past MAX_LINES: (lines, why)
}


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path) -> dict[str, Path]:
    # app_library.py is the Library tab's share of app.py's Gradio wiring: the same rules hold for it.
    files = [
        *root.glob("index/**/*.py"),
        *root.glob("qa/**/*.py"),
        *root.glob("app.py"),
        *root.glob("app_library.py"),
    ]
    return {_module_name(root, p): p for p in files}


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """Every module `name` imports, at the top or inside functions (a lazy import is still a dependency)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def import_problems(root: Path) -> list[str]:
    """Forbidden imports and import cycles among the project's modules under root."""
    sources = _sources(root)
    graph = {name: _imports(name, path, set(sources)) for name, path in sources.items()}
    problems = [
        f"{importer} imports {imported} ({importer.split('.')[0]} must not use {banned})"
        for importer, imports in sorted(graph.items())
        for imported in sorted(imports)
        for where, banned in FORBIDDEN
        if _within(importer, where) and _within(imported, banned)
    ]
    # Cycles: a depth-first search over project modules only.
    edges = {m: sorted(i for i in imports if i in sources and i != m) for m, imports in graph.items()}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in edges[m]:
            if state.get(n) == 1:
                problems.append("import cycle: " + " -> ".join([*stack[stack.index(n) :], n]))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    return problems


def test_imports_flow_one_way_without_cycles() -> None:
    assert import_problems(ROOT) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in {"index/__init__.py": "", "qa/__init__.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"index/store.py": "def f():\n    from qa.models import Answer\n"}, "index.store imports qa.models"),
        ({"index/x.py": "import gradio as gr\n"}, "index.x imports gradio"),
        ({"qa/chat.py": "from app import build\n"}, "qa.chat imports app"),
        ({"qa/chat.py": "import app_library\n"}, "qa.chat imports app_library"),
        ({"app_library.py": "import qa.x\n", "qa/x.py": "import app_library\n"}, "qa.x imports app_library"),
        (
            {"qa/pipeline/__init__.py": "", "qa/pipeline/a.py": "from qa.cli import main\n"},
            "qa.pipeline.a imports qa.cli",
        ),
        (
            {"index/a.py": "from index import b\n", "index/b.py": "from . import a\n"},
            "import cycle: index.a -> index.b -> index.a",
        ),
    ],
)
def test_the_rule_catches_a_wrong_import(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    problems = import_problems(_tree(tmp_path, files))
    assert any(p.startswith(expected) for p in problems), problems


def test_modules_are_small_and_say_what_they_hold() -> None:
    assert {"app", "app_library"} <= set(_sources(ROOT)), "both Gradio modules are checked"
    for name, path in _sources(ROOT).items():
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        assert lines <= LONGER.get(name, (MAX_LINES, ""))[0], f"{name} has {lines} lines"
        doc = ast.get_docstring(ast.parse(text))
        assert doc and doc.strip(), f"{name} has no module docstring"
        assert path.name != "utils.py", name


def test_every_package_says_what_is_public() -> None:
    for path in [*ROOT.glob("index/**/__init__.py"), *ROOT.glob("qa/**/__init__.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            t.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        ]
        if path.parent.name in ("templates", "assets"):
            continue
        assert "__all__" in names, f"{path.relative_to(ROOT)} has no __all__"
