"""Bytes to JSON values, treating every input as hostile.

Whatever arrives (bad UTF-8, a BOM, NaN tokens, nesting 100,000 deep, duplicate keys, a 50 MB
body) ends as a value plus issues, or as an unreadable document with a parse issue that carries
line and column. Nothing here raises to the caller.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from inspector.engine import issues as codes
from inspector.engine.issues import Issue, ParseContext
from inspector.engine.pointer import to_pointer
from inspector.engine.textsafe import short, visible

CONTEXT_WIDTH = 80
"""Characters of a long line shown around the column of a parse error."""


@dataclass
class Document:
    """One JSON document read from an input: ``ok`` is False when it could not be parsed."""

    value: Any
    issues: list[Issue] = field(default_factory=list)
    ok: bool = True
    line: Optional[int] = None
    text: str = ""


class _BadConstant(ValueError):
    pass


def _reject_constant(token: str) -> Any:
    raise _BadConstant(token)


_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _unreadable(
    code: str, message: str, line: Optional[int] = None, column: Optional[int] = None, context: Optional[ParseContext] = None
) -> Issue:
    where = f" (line {line}, column {column})" if line is not None else ""
    hint = f": {context.hint}" if context is not None and context.hint else ""
    return Issue("", "error", code, message + where + hint, line, column, context=context)


def excerpt(line_text: str, col0: int, *, line: int, hint: str = "") -> ParseContext:
    """The context of a position: ``line_text`` is the raw line, ``col0`` the 0-based offset of
    the position in it. Long lines are cut to ``CONTEXT_WIDTH`` characters around the position."""
    col0 = max(0, min(col0, len(line_text)))
    left = 0
    right = len(line_text)
    if right > CONTEXT_WIDTH:
        left = max(0, col0 - CONTEXT_WIDTH // 2)
        right = min(len(line_text), left + CONTEXT_WIDTH)
        left = max(0, right - CONTEXT_WIDTH)
    before = ("…" if left else "") + visible(line_text[left:col0])
    after = visible(line_text[col0:right]) + ("…" if right < len(line_text) else "")
    return ParseContext(line=line, line_text=before + after, column=len(before) + 1, hint=hint)


def _context_at(text: str, offset: int, *, line: int, message: str = "") -> ParseContext:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    if end < 0:
        end = len(text)
    raw = text[start:end]
    if raw.endswith("\r"):
        raw = raw[:-1]
    return excerpt(raw, offset - start, line=line, hint=_hint(text, offset, message))


_IDENT_START = re.compile(r"[A-Za-z_$]")
_PY_LITERAL = re.compile(r"(True|False|None)\b")


def _hint(text: str, offset: int, message: str) -> str:
    """A plain word on the likely cause of a parse error at ``offset`` (what editors and
    hand-written payloads get wrong), or "" when nothing common applies."""
    at = text[offset : offset + 2]
    ch = at[:1]
    if at in ("//", "/*"):
        return "JSON has no comments; remove the comment"
    if message.startswith("Extra data"):
        return "a second JSON document follows the first; send one document, or one per line as NDJSON (name the file .ndjson)"
    if message.startswith("Unterminated string"):
        return "a string is not closed: the text is cut off mid-string, or a closing quote is missing"
    if message.startswith("Invalid control character"):
        if ch in ("\n", "\r"):
            return "a string runs to the end of the line: the line is cut off mid-string, or a closing quote is missing (a line break inside a string is written \\n)"
        return "a control character inside a string must be escaped (\\u0000 to \\u001f)"
    if ch == "'":
        return "JSON strings and keys take double quotes, not single quotes"
    before = text[:offset].rstrip()
    if before.endswith(",") and ch in ("}", "]"):
        return f"a trailing comma before {ch}: JSON allows none; remove the comma"
    if not text[offset:].strip():
        return "the document ends before it is complete: it is cut off, or a closing } or ] is missing"
    if _PY_LITERAL.match(text, offset):
        return "JSON writes true, false and null in lower case"
    if _IDENT_START.match(ch):
        if message.startswith("Expecting property name"):
            return 'keys take double quotes: "key": value'
        return "text values take double quotes"
    if message.startswith("Expecting ',' delimiter"):
        return "a comma is missing between two items"
    return ""


def _bom_warning() -> Issue:
    return Issue(
        "",
        "warning",
        codes.BOM,
        "input starts with a UTF-8 byte order mark (line 1, column 1); Voucherify never "
        "sends one and many JSON parsers reject it",
        1,
        1,
    )


def _utf16_issue() -> Issue:
    return _unreadable(codes.ENCODING, "input is UTF-16/UTF-32 (it starts with that byte order mark); JSON payloads must be UTF-8", 1, 1)


def decode(data: bytes) -> tuple[Optional[str], list[Issue]]:
    """UTF-8 text of ``data``, or None with an encoding issue."""
    found: list[Issue] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        found.append(_bom_warning())
    elif data.startswith(_UTF16_32_BOMS):
        return None, [_utf16_issue()]
    try:
        return data.decode("utf-8"), found
    except UnicodeDecodeError as exc:
        found.append(_encoding_issue(data, exc.start))
        return None, found


def _encoding_issue(data: bytes, start: int, *, line_offset: int = 0, byte_offset: int = 0) -> Issue:
    """The issue for a byte at ``start`` that is not UTF-8, with its line shown; ``data`` starts
    ``byte_offset`` bytes and ``line_offset`` lines into the input."""
    before = data[:start]
    line = before.count(b"\n") + 1 + line_offset
    line_start = before.rfind(b"\n") + 1
    col = len(before) - line_start + 1
    bad = data[start : start + 1].hex()
    line_end = data.find(b"\n", start)
    raw_line = data[line_start : line_end if line_end >= 0 else len(data)]
    # The caret goes under the bad byte, shown as \xNN like the bytes around it.
    head = data[line_start:start].decode("utf-8", "backslashreplace")
    context = excerpt(raw_line.decode("utf-8", "backslashreplace"), len(head), line=line)
    return _unreadable(codes.ENCODING, f"input is not valid UTF-8: byte 0x{bad} at offset {byte_offset + start}", line, col, context)


_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', re.S)
_HUGE_INT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?\d{4000,})', re.S)


def _find_token(text: str, pattern: re.Pattern[str]) -> int:
    for m in pattern.finditer(text):
        if m.group(1):
            return m.start(1)
    return 0


def _depth_offset(text: str, limit: int) -> int:
    """Offset at which bracket nesting (outside strings) first exceeds ``limit``."""
    depth = 0
    in_str = False
    esc = False
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth -= 1
    return 0


_LOCAL = threading.local()

_Duplicates = list[tuple[str, dict[str, Any], list[Any]]]


def _decoder() -> tuple[Callable[[str], Any], _Duplicates]:
    """This thread's decoder and the list its hook fills with repeated keys: made once, not for
    every document (the TUI loader, the listener and the UI parse on threads of their own)."""
    made: Optional[tuple[Callable[[str], Any], _Duplicates]] = getattr(_LOCAL, "decoder", None)
    if made is None:
        found: _Duplicates = []

        def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            obj = dict(pairs)
            if len(obj) != len(pairs):
                seen: dict[str, list[Any]] = {}
                for k, v in pairs:
                    seen.setdefault(k, []).append(v)
                found.extend((k, obj, values) for k, values in seen.items() if len(values) > 1)
            return obj

        decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
        made = _LOCAL.decoder = (decoder.decode, found)
    return made


def parse_text(text: str, *, line_offset: int = 0) -> Document:
    """Parse one JSON document. Line numbers in issues are shifted by ``line_offset``."""
    if not text or text.isspace():  # isspace stops at the first other character; strip() copies
        return Document(None, [_unreadable(codes.EMPTY, "input is empty: there is no JSON to read", line_offset + 1, 1)], ok=False, text=text)
    decode, dup_objects = _decoder()
    dup_objects.clear()
    try:
        value = decode(text)
    except json.JSONDecodeError as exc:
        line, col = exc.lineno + line_offset, exc.colno
        context = _context_at(text, exc.pos, line=line, message=exc.msg)
        return Document(None, [_unreadable(codes.PARSE, f"invalid JSON: {exc.msg}", line, col, context)], ok=False, text=text)
    except _BadConstant as exc:
        offset = _find_token(text, _CONSTANT)
        line, col = _line_col(text, offset)
        context = _context_at(text, offset, line=line + line_offset)
        return Document(
            None,
            [_unreadable(codes.PARSE, f"invalid JSON: {exc.args[0]} is not a JSON number", line + line_offset, col, context)],
            ok=False,
            text=text,
        )
    except RecursionError:
        offset = _depth_offset(text, 900)
        line, col = _line_col(text, offset)
        context = _context_at(text, offset, line=line + line_offset)
        return Document(
            None,
            [_unreadable(codes.PARSE, "invalid JSON for this tool: nesting deeper than about 900 levels", line + line_offset, col, context)],
            ok=False,
            text=text,
        )
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        offset = _find_token(text, _HUGE_INT)
        line, col = _line_col(text, offset)
        context = _context_at(text, offset, line=line + line_offset)
        return Document(None, [_unreadable(codes.PARSE, f"invalid JSON: {exc}", line + line_offset, col, context)], ok=False, text=text)
    doc = Document(value, text=text)
    if dup_objects:
        doc.issues.extend(_duplicate_issues(value, list(dup_objects)))
        dup_objects.clear()
    return doc


def _duplicate_issues(root: Any, dups: _Duplicates) -> list[Issue]:
    wanted = {id(obj) for _, obj, _ in dups}
    where: dict[int, list[Any]] = {}
    stack: list[tuple[Any, list[Any]]] = [(root, [])]
    while stack and len(where) < len(wanted):
        node, keys = stack.pop()
        if isinstance(node, dict):
            if id(node) in wanted:
                where[id(node)] = keys
            stack.extend((v, keys + [k]) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, keys + [i]) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    out = []
    for key, obj, values in dups:
        ptr = to_pointer(where.get(id(obj), []) + [key])
        out.append(Issue(ptr, "warning", codes.DUPLICATE_KEY, _duplicate_message(values)))
    return out


def _duplicate_message(values: list[Any], limit: int = 5) -> str:
    shown = ", then ".join(short(v, 40) for v in values[:limit])
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return (
        f"key appears {len(values)} times in this object, with {shown}{more}; this payload keeps the last "
        f"({short(values[-1], 40)}), as Python and JavaScript parsers do, but some parsers keep the first"
    )


def parse_bytes(data: bytes) -> Document:
    """Decode and parse one JSON document."""
    text, found = decode(data)
    if text is None:
        return Document(None, found, ok=False)
    doc = parse_text(text)
    doc.issues[:0] = found
    return doc


@dataclass
class RawDocument:
    """One document's text, not parsed yet (``parse`` does it, with the same issues as
    ``iter_documents``); ``ready`` is a document that had to be parsed to be found."""

    line: Optional[int]
    text: str = ""
    ready: Optional[Document] = None
    prefix: list[Issue] = field(default_factory=list)

    def parse(self) -> Document:
        if self.ready is not None:
            return self.ready
        doc = parse_text(self.text, line_offset=(self.line or 1) - 1)
        doc.line = self.line
        doc.issues[:0] = self.prefix
        return doc


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (``split`` would hold a copy of a 60 MB file at once)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def iter_raw_documents(data: bytes, *, ndjson: Optional[bool] = None) -> Iterator[RawDocument]:
    """The documents in ``data``, NDJSON lines unparsed: callers that list thousands of lines
    parse each on demand."""
    text, found = decode(data)
    if text is None:
        yield RawDocument(None, ready=Document(None, found, ok=False))
        return
    if ndjson is None:
        doc = parse_text(text)
        if doc.ok or not _looks_like_ndjson(text, doc):
            doc.issues[:0] = found
            yield RawDocument(None, ready=doc)
            return
    any_line = False
    for no, line in enumerate(_lines(text), start=1):
        if not line or line.isspace():
            continue
        any_line = True
        yield RawDocument(no, line, prefix=found)
        found = []
    if not any_line:
        yield RawDocument(None, ready=Document(None, found + [_unreadable(codes.EMPTY, "input is empty: there is no JSON to read", 1, 1)], ok=False))


def iter_ndjson_lines(lines: Iterable[bytes]) -> Iterator[Document]:
    """The documents of an NDJSON stream read line by line (a file object): memory stays flat
    however many lines it has. A line that is not UTF-8 is unreadable on its own; the lines
    around it still read."""
    any_line = False
    consumed = 0
    for no, raw in enumerate(lines, start=1):
        at = consumed
        consumed += len(raw)
        prefix: list[Issue] = []
        if no == 1:
            if raw.startswith(_UTF16_32_BOMS):
                yield Document(None, [_utf16_issue()], ok=False)
                return
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                consumed -= 3  # offsets count from after the mark, as for a whole file
                prefix = [_bom_warning()]
        # The line keeps its newline (JSON reads it as white space; cutting it would copy every
        # line once more) unless it fails to parse, where positions must be those of the line.
        if not raw or raw.isspace():
            if prefix:
                any_line = True
                yield Document(None, prefix + [_unreadable(codes.EMPTY, "input is empty: there is no JSON to read", no, 1)], ok=False, line=no)
            continue
        any_line = True
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Document(None, prefix + [_encoding_issue(raw, exc.start, line_offset=no - 1, byte_offset=at)], ok=False, line=no)
            continue
        doc = parse_text(text, line_offset=no - 1)
        if not doc.ok and text.endswith("\n"):
            doc = parse_text(text[:-1], line_offset=no - 1)  # positions as on the line itself
        doc.line = no
        if prefix:
            doc.issues[:0] = prefix
        yield doc
    if not any_line:
        yield Document(None, [_unreadable(codes.EMPTY, "input is empty: there is no JSON to read", 1, 1)], ok=False)


def iter_documents(data: bytes, *, ndjson: Optional[bool] = None) -> Iterator[Document]:
    """The documents in ``data``: one JSON document, or one per line of NDJSON.

    ``ndjson=None`` decides from the content: a file holding several JSON values, one a line, is
    read as NDJSON.
    """
    for raw in iter_raw_documents(data, ndjson=ndjson):
        yield raw.parse()


def _looks_like_ndjson(text: str, doc: Document) -> bool:
    issue = doc.issues[0] if doc.issues else None
    if issue is None or issue.code != codes.PARSE or "Extra data" not in issue.message:
        return False
    start = len(text) - len(text.lstrip()) if text[:1].isspace() else 0
    end = text.find("\n", start)
    first = text[start:] if end < 0 else text[start:end]
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return True
