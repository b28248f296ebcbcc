"""docs/errors.md names every error code the backend can emit.

Codes are string literals where the errors are made (a registry would touch every module),
so this test reads the backend's source with `ast` and collects, outside migrations:
- string arguments of the calls that make errors: `Problem(path, "CODE", ...)`,
  `DomainError.single(path, "CODE", ...)`, `PublicError(message, "CODE")`, the forms'
  `problem("CODE", ...)` helpers, `error_response(status, "CODE", ...)` and the like;
- the value of every `"code"` key in a dict literal and of every `code=` keyword;
- strings returned by functions whose name says they map to a code (`_code_for`);
- module constants whose value is their own name (`LIST_TOO_LONG = "LIST_TOO_LONG"`).
Names used instead of literals are resolved through the module constants."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "errors.md"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{4,}$")
# Calls whose string arguments are error codes.
ERROR_MAKERS = {
    "Problem",
    "problem",
    "single",
    "PublicError",
    "__init__",
    "_error",
    "error_response",
    "not_found",
}


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((ROOT / "backend").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def module_constants(tree: ast.Module) -> dict[str, str]:
    constants: dict[str, str] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            for target in targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = value.value
    return constants


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def emitted_codes() -> dict[str, set[str]]:
    """code -> files that emit it."""
    trees = list(sources())
    constants: dict[str, str] = {}
    for _, tree in trees:
        constants |= module_constants(tree)

    def value_of(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.Name) and node.id in constants:
            text = constants[node.id]
        elif isinstance(node, ast.Attribute) and node.attr in constants:
            text = constants[node.attr]
        else:
            return None
        return text if CODE.match(text) else None

    found: dict[str, set[str]] = {}

    def add(node: ast.AST | None, path: Path) -> None:
        code = value_of(node)
        if code is not None:
            found.setdefault(code, set()).add(str(path.relative_to(ROOT)))

    for path, tree in trees:
        for name, value in module_constants(tree).items():
            if name == value and CODE.match(value):
                found.setdefault(value, set()).add(str(path.relative_to(ROOT)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if _callee(node) in ERROR_MAKERS:
                    for argument in node.args:
                        add(argument, path)
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        add(keyword.value, path)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code":
                        add(value, path)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "code" in node.name:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return):
                        add(inner.value, path)
    return found


def test_the_scan_finds_codes_of_every_kind() -> None:
    """A guard for the scanner itself: one code of each way codes are made."""
    codes = emitted_codes()
    for code in (
        "REQUIRED",  # Problem(...)
        "INVALID_OPTION",  # the forms' problem(...) helper
        "UNAUTHENTICATED",  # PublicError subclasses
        "QUERY_TOO_DEEP",  # ErrorCodes' _code_for
        "LIST_TOO_LONG",  # a module constant
        "REQUEST_TOO_LARGE",  # error_response(...)
        "CSRF_HEADER_REQUIRED",  # the multipart guard
        "TOO_MANY_SUBSCRIPTIONS",  # the WebSocket handler
        "CONFLICT",
    ):
        assert code in codes, code


def test_every_code_is_documented() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", DOC.read_text()))
    missing = {code: sorted(files) for code, files in emitted_codes().items()}
    missing = {code: files for code, files in missing.items() if code not in documented}
    assert missing == {}, f"add these codes to docs/errors.md: {missing}"
