"""The door to the store (`Storyline`, with its mixins `StoreAccess` and `ChangeIngest`) has no one-line
pass-throughs: a plain read is `Storyline.reader`, so a method of the door does more than forward."""

from __future__ import annotations

import ast
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent
DOOR = [PACKAGE / "access.py", PACKAGE / "api.py", PACKAGE / "changes.py"]
# Closing the door closes its store: the door's life cycle, not a read or a write forwarded.
LIFE_CYCLE = {"close"}


def _parameters(function: ast.FunctionDef) -> list[str]:
    arguments = function.args
    return [a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs] if a.arg != "self"]


def _passed(call: ast.Call) -> list[str] | None:
    """The names ``call`` passes on, in order, when it passes only names it was given as they are."""
    names = []
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        if not isinstance(argument, ast.Name):
            return None
        names.append(argument.id)
    if any(k.arg is not None and k.arg != k.value.id for k in call.keywords if isinstance(k.value, ast.Name)):
        return None
    return names


def pass_throughs(source: str) -> list[str]:
    """Each method whose whole body (past its docstring) is ``return self.store.NAME(...)`` with its own parameters."""
    found = []
    for cls in ast.walk(ast.parse(source)):
        if not isinstance(cls, ast.ClassDef):
            continue
        for function in cls.body:
            if not isinstance(function, ast.FunctionDef):
                continue
            body = function.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                body = body[1:]
            if len(body) != 1 or not isinstance(body[0], ast.Return | ast.Expr) or not isinstance(body[0].value, ast.Call):
                continue
            call = body[0].value
            target = call.func
            reaches_store = (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "store"
                and isinstance(target.value.value, ast.Name)
                and target.value.value.id == "self"
            )
            if reaches_store and function.name not in LIFE_CYCLE and _passed(call) == _parameters(function):
                found.append(f"{cls.name}.{function.name} (line {function.lineno})")
    return found


def test_the_finder_sees_a_pass_through():
    source = '''
class Door:
    def count(self) -> int:
        """How many."""
        return self.store.count_articles()

    def of(self, article_id: str, *, limit: int = 5):
        return self.store.story_of(article_id, limit=limit)

    def resolved(self, prefix: str):
        return self.store.get_article(self.store.resolve_article_id(prefix))

    def listing(self, since):
        return self.store.story_rows(since=parse_time(since))
'''
    assert pass_throughs(source) == ["Door.count (line 3)", "Door.of (line 7)"]


def test_the_door_forwards_nothing_as_it_is():
    assert {str(path.name): pass_throughs(path.read_text(encoding="utf-8")) for path in DOOR} == {path.name: [] for path in DOOR}
