"""Where in a page a JSON value sits: JSON paths → file line and column.

The body text of an example may be sloppy JSON (it loaded through the lenient
loader), so positions come from a small structural scan that tolerates what a
strict parser would not; a path it cannot place falls back to its parent.
"""

from __future__ import annotations

from generator.parse.facts import Block, JsonBody

JsonPath = tuple[str | int, ...]


def _string_end(text: str, start: int) -> int:
    """Index just after the string literal opening at `start`."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == text[start]:
            return i + 1
        i += 1
    return len(text)


def json_positions(text: str) -> dict[JsonPath, int]:
    """Offset of each member key (object) or value start (array) by JSON path."""
    found: dict[JsonPath, int] = {(): 0}
    stack: list[list[str | int]] = []  # per container: [kind, key or index]
    path: list[str | int] = []
    expect_value = True
    element: JsonPath | None = None  # an array element whose first character is next
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
            continue
        if element is not None and ch not in "]":
            found.setdefault(element, i)
        element = None
        top = stack[-1] if stack else None
        if ch in "\"'" and top is not None and top[0] == "{" and not expect_value:
            end = _string_end(text, i)
            key = text[i + 1 : end - 1]
            found.setdefault((*path, key), i)
            top[1] = key
            i = end
            continue
        if ch == ":":
            expect_value = True
        elif ch == ",":
            if top is not None and top[0] == "[":
                top[1] = int(top[1]) + 1
                element = (*path, top[1])
            expect_value = top is not None and top[0] == "["
        elif ch in "{[":
            if top is not None:
                path.append(top[1])
            stack.append([ch, 0])
            if ch == "[":
                element = (*path, 0)
            expect_value = ch == "["
        elif ch in "}]":
            if stack:
                stack.pop()
                if stack:
                    path.pop()
            expect_value = False
        elif ch in "\"'":
            i = _string_end(text, i)
            expect_value = False
            continue
        else:
            expect_value = False
        i += 1
    return found


def locate(block: Block, body: JsonBody, path: JsonPath) -> tuple[int, int]:
    """File (line, column) of `path` inside `body`, a body of `block`."""
    positions = json_positions(body.text)
    probe = path
    while probe not in positions and probe:
        probe = probe[:-1]
    offset = positions.get(probe, 0)
    line = body.line + body.text.count("\n", 0, offset)
    col = offset - (body.text.rfind("\n", 0, offset) + 1) + 1
    raw_lines = block.content.split("\n")
    index = line - block.line - 1
    if 0 <= index < len(raw_lines) and probe:
        raw = raw_lines[index]
        key = probe[-1]
        at = raw.find(f'"{key}"') if isinstance(key, str) else -1
        col = at + 1 if at >= 0 else len(raw) - len(raw.lstrip()) + 1
    return line, col


def show_path(path: JsonPath) -> str:
    """`("value", 0, "from")` -> `value[0].from`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"
