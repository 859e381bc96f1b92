"""Validation of a parsed payload against a compiled ``Schema``.

Each schema node is compiled once into a closure specialised for what that node checks, so a
payload costs one function call per value it holds. Paths are linked tuples and become JSON
Pointers only when an issue is reported.

Severity policy (the product's promise): an error breaks an integration written against the docs
(missing required field, wrong JSON type, value outside the enum, malformed date-time, unknown
discriminator); a warning is a departure real Voucherify payloads show (``null`` on a field the
docs type as non-nullable, a field the docs do not list).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import replace
from datetime import date
from typing import Any, Callable, Optional

from inspector.engine import issues as codes
from inspector.engine.ecmaregex import compile_pattern
from inspector.engine.issues import Issue, LazyIssue
from inspector.engine.pointer import Path, to_pointer
from inspector.engine.schema import Schema, json_type
from inspector.engine.textsafe import short, visible

Validator = Callable[[Any, Path, list[Issue]], None]

MAX_SAFE_INT = 2**53
MAX_DEPTH = 256
"""Free-form subtrees are scanned to this depth; deeper nesting is reported, not walked."""

_DATE_TIME = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)"
    r"(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)\Z"
)
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)\Z")
# Voucherify documents its ``time`` fields as "HH:mm" (happy hours: "12:00"); RFC 3339's
# full-time (seconds, offset) is accepted too.
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)?\Z")


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time (the ISO 8601 profile the docs use): ``2024-01-01T11:11:11.111Z``."""
    m = _DATE_TIME.match(text)
    if m is None:
        return False
    if m.group(1) > "28":  # only the last days of a month can fall outside it
        try:
            date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return False
    return True


def is_date(text: str) -> bool:
    m = _DATE.match(text)
    if m is None:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def is_time(text: str) -> bool:
    """A time of day: ``12:00``, ``12:00:00``, ``12:00:00.5Z``, ``12:00+02:00``."""
    return _TIME.match(text) is not None


_FORMATS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "date-time": (is_date_time, codes.FORMAT_DATE_TIME, "an ISO 8601 date-time such as 2024-01-01T11:11:11.111Z"),
    "date": (is_date, codes.FORMAT_DATE, "an ISO 8601 date such as 2024-01-01"),
    "time": (is_time, codes.FORMAT_TIME, "a time of day such as 12:00 or 12:00:00Z"),
}
"""The formats checked (code, and the words of the error); others are described, not checked."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _count_issues(
    count: int, low: Optional[int], high: Optional[int], codes_: tuple[str, str], word: str, path: Path, out: list[Issue]
) -> None:
    """A size outside [low, high] (items of an array, fields of an object, characters of text)."""
    if low is not None and count < low:
        out.append(Issue(None, "error", codes_[0], f"expected at least {_plural(low, word)}, found {count}", path=path))
    elif high is not None and count > high:
        out.append(Issue(None, "error", codes_[1], f"expected at most {_plural(high, word)}, found {count}", path=path))


def _null_message(name: Any, schema: Schema) -> str:
    what = schema.type_label
    if schema.title and schema.types == frozenset({"object"}):
        what = f"{schema.title} object"
    return f"null where the docs type {visible(str(name))} as non-nullable ({what})"


def _missing_message(name: str, parent: Schema) -> str:
    c = parent.properties.get(name)
    return f"missing required field {visible(name)} ({c.type_label if c is not None else 'value'})"


def _unknown_message(key: str, where: str, closed: bool) -> str:
    rule = " (the docs forbid additional fields here)" if closed else ""
    return f"field {visible(key)} is not in the docs for {where}{rule}"


def _found(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return ("an " if isinstance(value, list) else "an ") + short(value)
    return f"{json_type(value)} {short(value)}"


def _expected(schema: Schema) -> str:
    label = schema.type_label
    return ("an " if label[:1] in "aeiou" else "a ") + label


def mismatch(schema: Schema, value: Any, path: Path, out: list[Issue]) -> None:
    """The value's JSON type is not one the schema allows: ``null`` is a warning, else an error."""
    if value is None:
        if not schema.nullable:
            _null_warning(schema, path, out)
        return
    out.append(
        Issue(
            None,
            "error",
            codes.TYPE,
            f"expected {_expected(schema)}, found {_found(value)}",
            path=path,
        )
    )


def _enum_issue(schema: Schema, value: Any, path: Path, out: list[Issue]) -> None:
    allowed = ", ".join(str(v) for v in schema.enum or ())
    out.append(
        Issue(None, "error", codes.ENUM, f"expected one of {allowed}; found {short(value)}", path=path)
    )


def _number_checks(schema: Schema, value: Any, path: Path, out: list[Issue]) -> None:
    if isinstance(value, float) and math.isinf(value):
        out.append(
            Issue(
                None,
                "warning",
                codes.NUMBER_OVERFLOW,
                "number beyond the range of a double; most JSON parsers read it as Infinity",
                path=path,
            )
        )
        return
    if isinstance(value, int) and abs(value) > MAX_SAFE_INT:
        digits = len(str(abs(value)))
        out.append(
            Issue(
                None,
                "warning",
                codes.NUMBER_PRECISION,
                f"{digits}-digit integer beyond 2^53; JavaScript and many JSON parsers lose its precision",
                path=path,
            )
        )
    if schema.minimum is not None and value < schema.minimum:
        out.append(
            Issue(None, "error", codes.RANGE, f"expected at least {schema.minimum:g}, found {short(value)}", path=path)
        )
    if schema.maximum is not None and value > schema.maximum:
        out.append(
            Issue(None, "error", codes.RANGE, f"expected at most {schema.maximum:g}, found {short(value)}", path=path)
        )


def scan_free(value: Any, path: Path, out: list[Issue], depth: int = 0) -> None:
    """Walk a subtree the docs leave open: only numbers a parser would mangle and excessive depth
    are worth reporting there."""
    stack: list[tuple[Any, Path, int]] = [(value, path, depth)]
    while stack:
        v, p, d = stack.pop()
        t = type(v)
        if t is dict or t is list:
            if d >= MAX_DEPTH:
                out.append(
                    Issue(None, "error", codes.TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels; not inspected further", path=p)
                )
                continue
            items = v.items() if t is dict else enumerate(v)
            for k, child in items:
                tc = type(child)
                if tc is dict or tc is list:
                    if child:
                        stack.append((child, (p, k), d + 1))
                elif tc is int:
                    if child > MAX_SAFE_INT or child < -MAX_SAFE_INT:
                        _number_checks(_ANY, child, (p, k), out)
                elif tc is float and (child == math.inf or child == -math.inf):
                    _number_checks(_ANY, child, (p, k), out)
        elif t is int or t is float:
            if (t is float and math.isinf(v)) or (t is int and abs(v) > MAX_SAFE_INT):
                _number_checks(_ANY, v, p, out)


_ANY = Schema()


# -- compiling validators --------------------------------------------------------------------------


_BUILD_LOCK = threading.RLock()
"""Validators are built lazily; the TUI's loader thread, the listener's writer thread and the UI
may ask for the same one at once."""


def validator_for(schema: Schema) -> Validator:
    """The compiled validator of ``schema`` (built once, cached on the node)."""
    fn = schema.validator_cache
    if fn is not None:
        return fn
    with _BUILD_LOCK:
        fn = schema.validator_cache
        if fn is not None:
            return fn
        cell: list[Validator] = []

        def pending(v: Any, p: Path, out: list[Issue]) -> None:  # a recursive schema refers to itself
            if not cell:
                with _BUILD_LOCK:  # another thread is still building it: wait for the result
                    pass
                if not cell:
                    validator_for(schema)(v, p, out)
                    return
            cell[0](v, p, out)

        schema.validator_cache = pending
        try:
            built = _build(schema)
        except BaseException:
            schema.validator_cache = None  # a later call must not find the placeholder of a failed build
            raise
        cell.append(built)
        schema.validator_cache = built
        return built


def _build(s: Schema) -> Validator:
    if s.variants:
        return _build_union(s)
    types = s.types
    if types is None:
        if s.enum is not None:
            return _build_enum_any(s)
        return _validate_any
    if types == frozenset({"object"}):
        return _build_object(s)
    if types == frozenset({"array"}):
        return _build_array(s)
    if types == frozenset({"string"}):
        return _build_string(s)
    if types == frozenset({"integer"}):
        return _build_number(s, integer=True)
    if types == frozenset({"number"}) or types == frozenset({"number", "integer"}):
        return _build_number(s, integer=False)
    if types == frozenset({"boolean"}):
        return _build_boolean(s)
    if types == frozenset({"null"}):
        return _build_null(s)
    return _build_multi(s)


def _validate_any(v: Any, p: Path, out: list[Issue]) -> None:
    t = type(v)
    if t is dict or t is list:
        if v:
            scan_free(v, p, out)
    elif t is int or t is float:
        scan_free(v, p, out)


def _build_enum_any(s: Schema) -> Validator:
    enum = s.enum or ()

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if v is None:
            if not s.nullable:
                mismatch(s, v, p, out)
            return
        if v not in enum or type(v) is bool and not any(type(e) is bool for e in enum):
            _enum_issue(s, v, p, out)

    return check


_STR = frozenset({"string"})
_BOOL = frozenset({"boolean"})
_INT = frozenset({"integer"})
_NUM = frozenset({"number"})
_NUM_INT = frozenset({"number", "integer"})


def _build_object(s: Schema) -> Validator:
    props = {k: validator_for(c) for k, c in s.properties.items()}
    free = s.is_free_form
    closed = s.additional is False
    extra: Optional[Validator] = validator_for(s.additional) if isinstance(s.additional, Schema) else None
    where = s.label

    low, high = s.min_properties, s.max_properties
    sized = low is not None or high is not None
    if free:

        def check_free(v: Any, p: Path, out: list[Issue]) -> None:
            if type(v) is not dict:
                mismatch(s, v, p, out)
                return
            if sized:
                _count_issues(len(v), low, high, (codes.MIN_PROPERTIES, codes.MAX_PROPERTIES), "field", p, out)
            if v:
                scan_free(v, p, out)

        return check_free

    return _generate_object(s, props, extra, where, closed)


_MISSING_KEY = object()


def _null_warning(schema: Schema, path: Path, out: list[Issue]) -> None:
    # The message names the field (the path's last key), not the path: one text per field and
    # schema, which the report keeps (Issue.json_text).
    out.append(LazyIssue(path, "warning", codes.NULL, (_null_message, path[1] if path else "payload", schema)))


def _missing_issue(s: Schema, p: Path, name: str, out: list[Issue]) -> None:
    out.append(LazyIssue((p, name), "error", codes.REQUIRED, (_missing_message, name, s)))


def _generate_object(
    s: Schema, props: dict[str, Validator], extra: Optional[Validator], where: str, closed: bool
) -> Validator:
    """Generate the validator of an object schema as straight-line Python.

    Each declared property costs one dict lookup and an inline type test; a child validator is
    called only for nested values and for leaves that fail the quick test. This keeps validation
    within a small factor of ``json.loads`` (see benchmarks/validate.py).
    """
    ns: dict[str, Any] = {
        "M": _MISSING_KEY,
        "mismatch": mismatch,
        "S": s,
        "PROPS": frozenset(s.properties),
        "MAXI": MAX_SAFE_INT,
        "DTM": _DATE_TIME.match,
        "missing": _missing_issue,
        "unknown": _unknown_field,
        "EXTRA": extra,
        "WHERE": where,
        "CLOSED": closed,
        "sized": _count_issues,
        "MINP": s.min_properties,
        "MAXP": s.max_properties,
        "PCODES": (codes.MIN_PROPERTIES, codes.MAX_PROPERTIES),
        "dict": dict,
        "str": str,
        "bool": bool,
        "int": int,
    }
    lines = [
        "def check(v, p, out):",
        "    if type(v) is not dict:",
        "        mismatch(S, v, p, out)",
        "        return",
        "    g = v.get",
    ]
    # Two or three short lines a property: the generated code is compiled at start, and its
    # size is what that costs (a spec run compiles some 700 object validators).
    for i, (name, child) in enumerate(s.properties.items()):
        key = repr(name)
        quick = _quick_test(child, i, ns)
        lines.append(f"    c = g({key}, M)")
        if quick == "True" and (child.types is not None or child.variants or child.enum is not None):
            # A nested value (object, array, union...): its validator settles null as well.
            ns[f"F{i}"] = props[name]
            call = f"F{i}(c, (p, {key}), out)"
            if name in s.required:
                lines.append(f"    if c is M: missing(S, p, {key}, out)")
                lines.append(f"    else: {call}")
            else:
                lines.append(f"    if c is not M: {call}")
            continue
        # A leaf: one inline test passes the common case; null and the rest go to a closure.
        ns[f"X{i}"] = _leaf_slow_path(child, name, props[name])
        test = f"({quick})" + (" and c is not None" if child.nullable else "")
        if name in s.required:
            lines.append(f"    if c is M: missing(S, p, {key}, out)")
            lines.append(f"    elif {test}: X{i}(c, p, out)")
        else:
            lines.append(f"    if c is not M and {test}: X{i}(c, p, out)")
    if s.min_properties is not None or s.max_properties is not None:
        lines.append("    sized(len(v), MINP, MAXP, PCODES, 'field', p, out)")
    lines.append("    if not (v.keys() <= PROPS):")
    lines.append("        for k in v:")
    lines.append("            if k not in PROPS:")
    if extra is not None:
        lines.append("                EXTRA(v[k], (p, k), out)")
    else:
        lines.append("                unknown(k, v[k], p, out, WHERE, CLOSED)")
    source = "\n".join(lines)
    code = _CODE.get(source)
    if code is None:
        # Specs repeat components (Customer, Voucher...) in every file, compiled apart but
        # generating the same text: compiling it once is most of the start of a spec run.
        code = _CODE[source] = compile(source, f"<validator {s.label}>", "exec")
    exec(code, ns)
    return ns["check"]  # type: ignore[no-any-return]


_CODE: dict[str, Any] = {}
"""Compiled validator code by its source text (the names in it are bound per schema by exec)."""


def _leaf_slow_path(child: Schema, name: str, check: Validator) -> Callable[[Any, Path, list[Issue]], None]:
    """What a property's leaf value goes to when the inline test does not pass it: ``null``
    (a warning unless the docs allow it), or the child's validator."""
    nullable = child.nullable
    args = (_null_message, name, child)  # made once: every payload's warning shares it

    def slow(c: Any, p: Path, out: list[Issue]) -> None:
        if c is None:
            if not nullable:
                out.append(LazyIssue((p, name), "warning", codes.NULL, args))
        else:
            check(c, (p, name), out)

    return slow


def _quick_test(c: Schema, i: int, ns: dict[str, Any]) -> str:
    """A Python expression, true when child ``c`` (in local ``c``) needs its full validator."""
    if c.variants or c.types is None or c.minimum is not None or c.maximum is not None:
        return "True"
    if c.types == _STR:
        test = "type(c) is not str"
        if c.enum:
            ns[f"E{i}"] = frozenset(c.enum)
            test += f" or c not in E{i}"
        elif c.format in ("date", "time") or c.pattern is not None or c.min_length is not None or c.max_length is not None:
            return "True"
        elif c.format == "date-time":
            # The pattern settles most date-times inline; days past the 28th need the calendar.
            return test + " or DTM(c) is None or c[8:10] > '28'"
        return test
    if c.types == _BOOL and not c.enum:
        return "type(c) is not bool"
    if c.types == _INT and not c.enum:
        return "type(c) is not int or c > MAXI or c < -MAXI"
    if c.types in (_NUM, _NUM_INT) and not c.enum:
        # A float past 2**53 (or infinite) takes the full check, as a big int does.
        return "(type(c) is not int and type(c) is not float) or c > MAXI or c < -MAXI"
    return "True"


def _unknown_field(k: str, child: Any, p: Path, out: list[Issue], where: str, closed: bool) -> None:
    out.append(
        LazyIssue((p, k), "warning", codes.UNKNOWN_FIELD, (_unknown_message, k, where, closed))
    )
    if type(child) is dict or type(child) is list or type(child) is int or type(child) is float:
        scan_free(child, (p, k), out)


def _build_array(s: Schema) -> Validator:
    item = validator_for(s.items) if s.items is not None else None
    plain = _plain_type(s.items)
    low, high = s.min_items, s.max_items
    sized = low is not None or high is not None

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if type(v) is not list:
            mismatch(s, v, p, out)
            return
        if sized:
            _count_issues(len(v), low, high, (codes.MIN_ITEMS, codes.MAX_ITEMS), "item", p, out)
        if item is None:
            if v:
                scan_free(v, p, out)
            return
        if plain is not None:
            # Items of one plain type (ids, codes): the type test inline, a call only for the odd one.
            for i, child in enumerate(v):
                if type(child) is not plain:
                    item(child, (p, i), out)
            return
        for i, child in enumerate(v):
            item(child, (p, i), out)

    return check


def _plain_type(s: Optional[Schema]) -> Optional[type]:
    """The Python type that settles a value of ``s`` by itself (text without enum, format or
    pattern; booleans), or None."""
    if s is None or s.variants or s.enum or s.nullable:
        return None
    if s.types == _STR and not (s.format in _FORMATS or s.pattern is not None or s.min_length is not None or s.max_length is not None):
        return str
    if s.types == _BOOL:
        return bool
    return None


def _build_string(s: Schema) -> Validator:
    enum = frozenset(s.enum) if s.enum else None
    fmt = _FORMATS.get(s.format or "")
    low, high = s.min_length, s.max_length
    sized = low is not None or high is not None
    pattern = compile_pattern(s.pattern) if s.pattern is not None else None

    if enum is None and fmt is None and not sized and pattern is None:

        def check_plain(v: Any, p: Path, out: list[Issue]) -> None:
            if type(v) is not str:
                mismatch(s, v, p, out)

        return check_plain

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if type(v) is not str:
            mismatch(s, v, p, out)
            return
        if enum is not None and v not in enum:
            _enum_issue(s, v, p, out)
            return
        if fmt is not None and not fmt[0](v):
            out.append(Issue(None, "error", fmt[1], f"expected {fmt[2]}; found {short(v)}", path=p))
        if sized:
            _count_issues(len(v), low, high, (codes.MIN_LENGTH, codes.MAX_LENGTH), "character", p, out)
        if pattern is not None:
            _pattern_check(pattern, v, p, out)

    return check


def _pattern_check(pattern: Any, v: str, p: Path, out: list[Issue]) -> None:
    regex = pattern.regex
    if regex is None:
        out.append(
            Issue(
                None,
                "info",
                codes.PATTERN_UNSUPPORTED,
                f"the docs' pattern /{visible(pattern.source)}/ is not checked: {pattern.reason}",
                path=p,
            )
        )
    elif regex.search(v) is None:
        out.append(
            Issue(None, "error", codes.PATTERN, f"expected text matching /{visible(pattern.source)}/; found {short(v)}", path=p)
        )


def _build_number(s: Schema, *, integer: bool) -> Validator:
    enum = s.enum
    bounded = s.minimum is not None or s.maximum is not None

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        t = type(v)
        if t is int:
            if bounded or v > MAX_SAFE_INT or v < -MAX_SAFE_INT:
                _number_checks(s, v, p, out)
        elif t is float:
            if v == math.inf or v == -math.inf:
                _number_checks(s, v, p, out)
                return
            if integer and not v.is_integer():
                out.append(
                    Issue(None, "error", codes.TYPE, f"expected an integer, found number {short(v)}", path=p)
                )
                return
            if bounded:
                _number_checks(s, v, p, out)
        else:
            mismatch(s, v, p, out)
            return
        if enum is not None and v not in enum:
            _enum_issue(s, v, p, out)

    return check


def _build_null(s: Schema) -> Validator:
    """``type: null`` on its own (outside a oneOf, where it only makes the union nullable)."""

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if v is not None:
            mismatch(s, v, p, out)

    return check


def _build_boolean(s: Schema) -> Validator:
    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if type(v) is not bool:
            mismatch(s, v, p, out)

    return check


_PY_TYPES = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def _build_multi(s: Schema) -> Validator:
    """A node that allows several JSON types (``type: [string, integer]``)."""
    allowed = s.types or frozenset()
    one_type = {t: validator_for(replace(s, types=frozenset({t}), validator_cache=None, _disc=None, _owners=None)) for t in allowed}

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        t = json_type(v)
        if t in one_type:
            one_type[t](v, p, out)
        elif t == "integer" and "number" in one_type:
            one_type["number"](v, p, out)
        else:
            mismatch(s, v, p, out)

    return check


# -- oneOf / anyOf ---------------------------------------------------------------------------------


def discriminators(s: Schema) -> list[tuple[str, list[tuple[Schema, frozenset[Any]]]]]:
    """Properties whose value tells the variants apart (a const/enum property present in
    several variants, such as ``type`` or ``object``)."""
    if s._disc is not None:
        cached: list[tuple[str, list[tuple[Schema, frozenset[Any]]]]] = s._disc
        return cached
    consts: dict[str, int] = {}
    for v in s.variants:
        for k, c in v.properties.items():
            if c.enum is not None and len(c.enum) == 1:
                consts[k] = consts.get(k, 0) + 1
    found = []
    for k, n in sorted(consts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < 2:
            continue
        table = []
        for v in s.variants:
            prop = v.properties.get(k)
            table.append((v, frozenset(prop.enum) if prop is not None and prop.enum else frozenset()))
        found.append((k, table))
    s._disc = found
    return found


def _accepts_type(s: Schema, value: Any) -> bool:
    if s.types is None:
        return True
    t = json_type(value)
    return t in s.types or (t == "integer" and "number" in s.types)


def choose_variant(
    s: Schema, value: Any, *, path: Path = (), sink: Optional[list[Issue]] = None
) -> tuple[Optional[Schema], str, Optional[tuple[str, Any, list[str]]]]:
    """Pick the branch of a union for ``value``.

    Returns (variant or None, how it was chosen, and when a discriminator matched no branch: its
    key, the value found and the values allowed). Branches are narrowed by JSON type, then by each
    discriminating property, then by a field only one branch declares, and a scalar by the one
    enum that lists it; when several still fit, the one with fewest issues wins.
    Branches are then tried at ``path``, and the winner's issues go to ``sink``, so the validator
    need not validate the value again.
    """
    candidates = [v for v in s.variants if _accepts_type(v, value)]
    if not candidates:
        return None, "", None
    if type(value) is dict:
        table_by_key = discriminators(s)
        for key, table in table_by_key:
            if key not in value:
                continue
            found = value[key]
            narrowed = [v for v, allowed in table if v in candidates and (not allowed or _hashable_in(found, allowed))]
            if not narrowed:
                allowed_all = sorted({str(a) for v, allowed in table if v in candidates for a in allowed})
                return None, "", (key, found, allowed_all)
            if len(narrowed) < len(candidates):
                candidates = narrowed
                how = f"{key}={short(found)}"
                if len(candidates) == 1:
                    return candidates[0], how, None
        if len(candidates) > 1:
            # A field only one branch declares settles it (reward parameters: campaign, coin or
            # product; a full customer beside the two-field Customer ID) without trying each.
            chosen, how = _by_own_key(s, candidates, value)
            if chosen is not None:
                return chosen, how, None
    elif len(candidates) > 1 and not isinstance(value, list):
        listed = [v for v in candidates if v.enum is not None and _hashable_in(value, frozenset(v.enum))]
        if len(listed) == 1:
            return listed[0], f"{short(value)} is in its enum", None
    if len(candidates) == 1:
        return candidates[0], "only branch of that type", None
    best: Optional[Schema] = None
    best_score: tuple[int, int, int, int] = (0, 0, 0, 0)
    best_trial: list[Issue] = []
    if type(value) is dict:
        # Most declared keys first (a stable sort keeps ties in order), so that a perfect fit,
        # found first, can end the search: no later branch could score lower.
        candidates = sorted(candidates, key=lambda v: -sum(1 for k in value if k in v.properties))
    for v in candidates:
        trial: list[Issue] = []
        validator_for(v)(value, path, trial)
        errors = sum(1 for i in trial if i.severity == "error")
        warnings = sum(1 for i in trial if i.severity == "warning")
        # Fields a branch does not declare count before nulls: a full customer whose name is null
        # reads as Customer, not as the two-field Customer ID with a dozen unknown fields.
        unknown = sum(1 for i in trial if i.code == codes.UNKNOWN_FIELD)
        matched = -sum(1 for k in value if k in v.properties) if type(value) is dict else 0
        score = (errors, unknown, warnings, matched)
        if not errors and not warnings:
            best, best_trial = v, trial
            break
        if best is None or score < best_score:
            best, best_score, best_trial = v, score, trial
    if sink is not None:
        sink.extend(best_trial)
    return best, "best match", None


def _by_own_key(union: Schema, candidates: list[Schema], value: dict[str, Any]) -> tuple[Optional[Schema], str]:
    """The one branch that declares a key of ``value`` no other branch declares: a union without
    a discriminator whose branches differ by which field they carry (reward ``parameters``:
    ``campaign``, ``coin`` or ``product``)."""
    # Kept on the union (its branches live as long as it does): which branches declare a key.
    cache_key = tuple(id(v) for v in candidates)
    if union._owners is None:
        union._owners = {}
    owners: Optional[dict[str, list[Schema]]] = union._owners.get(cache_key)
    if owners is None:
        owners = {}
        union._owners[cache_key] = owners
        for v in candidates:
            for k in v.properties:
                owners.setdefault(k, []).append(v)
    chosen: Optional[Schema] = None
    how = ""
    for k in value:
        vs = owners.get(k)
        if vs is None or len(vs) != 1:
            continue
        if chosen is not None and vs[0] is not chosen:
            return None, ""
        chosen, how = vs[0], how or f"has {visible(k)}"
    return chosen, how


def _hashable_in(value: Any, allowed: frozenset[Any]) -> bool:
    try:
        return value in allowed and not (type(value) is bool and not any(type(a) is bool for a in allowed))
    except TypeError:
        return False


def _build_union(s: Schema) -> Validator:
    # Fast path: the first discriminating key maps most values straight to one variant.
    table = discriminators(s)
    fast_key = table[0][0] if table else None
    fast: dict[Any, Validator] = {}
    if table:
        by_value: dict[Any, list[Schema]] = {}
        for variant, allowed in table[0][1]:
            for a in allowed:
                by_value.setdefault(a, []).append(variant)
        fast = {k: validator_for(vs[0]) for k, vs in by_value.items() if len(vs) == 1 and type(k) is str}
    # Text listed by the enum of exactly one branch (a union of enums) goes straight to it.
    listed: dict[str, list[Schema]] = {}
    for variant in s.variants:
        for e in variant.enum or ():
            if type(e) is str:
                listed.setdefault(e, []).append(variant)
    by_text = {e: validator_for(vs[0]) for e, vs in listed.items() if len(vs) == 1}

    def check(v: Any, p: Path, out: list[Issue]) -> None:
        if v is None:
            if not s.nullable:
                mismatch(s, v, p, out)
            return
        tv = type(v)
        if fast_key is not None and tv is dict:
            d = v.get(fast_key)
            if type(d) is str:
                known = fast.get(d)
                if known is not None:
                    known(v, p, out)
                    return
        elif tv is str and by_text:
            known = by_text.get(v)
            if known is not None:
                known(v, p, out)
                return
        trial: list[Issue] = []
        chosen, how, bad = choose_variant(s, v, path=p, sink=trial)
        if bad is not None:
            key, found, allowed = bad
            out.append(
                Issue(
                    None,
                    "error",
                    codes.DISCRIMINATOR,
                    f"{visible(key)} {short(found)} matches no variant of {s.label}; expected one of {', '.join(allowed)}",
                    path=(p, key),
                )
            )
            return
        if chosen is None:
            out.append(
                Issue(
                    None,
                    "error",
                    codes.TYPE,
                    f"expected {s.label}, found {_found(v)}",
                    path=p,
                )
            )
            return
        if how == "best match":
            out.append(
                Issue(None, "info", codes.VARIANT, f"read as {chosen.label} (the variant that fits best)", path=p)
            )
            out.extend(trial)
            return
        if table and how.startswith("has "):
            # The discriminator left several branches; say which one the fields chose.
            out.append(Issue(None, "info", codes.VARIANT, f"read as {chosen.label} (it {how}, which only that variant declares)", path=p))
        validator_for(chosen)(v, p, out)

    return check


def validate(
    schema: Schema, value: Any, *, prefix: tuple[Any, ...] = (), out: Optional[list[Issue]] = None
) -> list[Issue]:
    """All issues of ``value`` against ``schema``, appended to ``out`` (a new list by default);
    pointers start with ``prefix``."""
    path: Path = ()
    for k in prefix:
        path = (path, k)
    found: list[Issue] = [] if out is None else out
    try:
        validator_for(schema)(value, path, found)
    except RecursionError:
        found.append(
            Issue(to_pointer(prefix), "error", codes.TOO_DEEP, "nesting too deep to validate")
        )
    return found
