"""A call's args: safe coercion, then validation against the function's compiled JSON Schema (schema.py builds it)."""

from __future__ import annotations

import json
import math
import re
from typing import Any, cast

import fastjsonschema
import jsonschema

from common.text import first_lone_surrogate
from runtime.catalog import jsontext
from runtime.catalog.envelope import CallError, caller_error, invalid_arguments
from runtime.catalog.loading import Arg, Function
from runtime.catalog.schema import CREDENTIAL_PATTERN
from runtime.catalog.suggest import did_you_mean
from runtime.catalog.wellformed import lone_surrogate_reason, may_hold_escaped_surrogates, printable

NO_CLASSES: frozenset[type] = frozenset()
MAX_UNKNOWN_LISTED = 5
MAX_REASON_CHARS = 300
NUMBER = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "a boolean (true or false)",
    "object": "a JSON object",
    "array": "a JSON array",
    "null": "null",
}


def prepare(function: Function, raw_args: Any, uploads: dict[str, Any], max_depth: int, max_items: int | None = None) -> dict[str, Any]:
    """Coerce and validate a call's args; raise CallError naming the fields at fault.

    max_items caps every Array argument (RUNTIME_MAX_ARRAY_ITEMS), on top of the catalog's own maxItems.
    """
    if not isinstance(raw_args, dict):
        raise caller_error("JSON_VALIDATION", "args must be a JSON object.", ["args"])
    args: dict[str, Any] = {}
    bad_json: dict[str, str] = {}
    too_long: dict[str, str] = {}
    known, typed = function.args, function.typed_classes
    for name, value in raw_args.items():
        if value.__class__ in typed.get(name, NO_CLASSES) and value != "":  # already of its type: coerce keeps it as it is
            args[name] = value
            continue
        arg = known.get(name)
        if arg is None:
            args[name] = value
            continue
        try:
            value = coerce(arg.spec, value)
        except ValueError as exc:
            bad_json[name] = str(exc)
            continue
        if value is ABSENT:
            continue
        if arg.type in ("JSON", "Array"):
            if max_items is not None and value.__class__ is list and len(value) > max_items:
                too_long[name] = f"must have at most {max_items} items"
                continue
            if too_deep(value, max_depth):
                bad_json[name] = f"nested deeper than {max_depth} levels"
                continue
        args[name] = value
    if bad_json:
        text = "; ".join(f"{k}: {v}" for k, v in bad_json.items())
        raise caller_error("JSON_VALIDATION", f"Invalid JSON input. {text}", list(bad_json), reasons=bad_json)
    if too_long:
        raise invalid_arguments(too_long)
    for name, upload in uploads.items():
        arg = function.args.get(name)
        if arg is None or not arg.is_file:
            hint = did_you_mean(name, [a.name for a in function.file_args])
            reason = "an uploaded file part must be named after a File argument"
            raise invalid_arguments({printable(name): f"{reason}; {hint}" if hint else reason})
        args[name] = upload
    validate(function, args)
    for arg in function.defaulted_args:
        if arg.name not in args:
            when = arg.spec.get("defaultWhen")
            if when is None or any(name in args for name in when):
                args[arg.name] = arg.spec["default"]
    return args


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def coerce(spec: dict[str, Any], value: Any) -> Any:
    """Turn what callers and forms naturally send into the declared type, where that is safe."""
    kind = spec["type"]
    if value is None or (value == "" and not spec.get("allowEmpty")):
        return ABSENT
    if kind in ("String", "credentials"):
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # an id the seed typed Number; never the other way round
        return value
    if kind == "Number" and isinstance(value, str) and NUMBER.match(value):
        return _number(value, bool(spec.get("integer")))
    if kind == "Number" and spec.get("integer") and isinstance(value, float) and value.is_integer():
        return int(value)  # 80.0 is a whole number to JSON Schema: it goes out as 80
    if kind == "Boolean" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if kind in ("JSON", "Array") and isinstance(value, str):
        if kind == "Array" and spec.get("commaSeparated") and not value.lstrip().startswith("["):
            return [part.strip() for part in value.split(",") if part.strip()]
        try:
            parsed = jsontext.loads(value)
        except RecursionError:
            raise ValueError("nested too deeply") from None
        except jsontext.UnwritableNumber as exc:
            raise ValueError(exc.reason) from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg} at position {exc.pos})") from None
        if may_hold_escaped_surrogates(value):  # JSON text inside the body's JSON: its escapes decode only now
            path = first_lone_surrogate(parsed)
            if path is not None:
                raise ValueError(lone_surrogate_reason(path))
        return parsed
    return value


def _number(text: str, integer: bool) -> int | float:
    """A Number argument given as text (a form, the CLI): digits alone are read exactly as an integer, up to the digits
    Python converts; a number out of a float's range (1e999, 400 digits with a point) is refused, never sent as inf."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        digits = len(text.lstrip("-"))
        if jsontext.too_many_digits(digits):
            raise ValueError(jsontext.long_integer_reason(digits))
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("a number out of range")
    return int(number) if integer and number.is_integer() else number


def too_deep(value: Any, max_depth: int) -> bool:
    """Whether a JSON value nests deeper than max_depth levels; the recursion stops at max_depth."""
    if value.__class__ is dict:
        children: Any = value.values()
    elif value.__class__ is list:
        children = value
    else:
        return False
    if max_depth <= 0:
        return True
    for child in children:  # noqa: SIM110 - a plain loop: any() over a generator costs twice as much on the hot path
        if (child.__class__ is dict or child.__class__ is list) and too_deep(child, max_depth - 1):
            return True
    return False


def validate(function: Function, args: dict[str, Any]) -> None:
    try:
        function.fast_check(args)
    except fastjsonschema.JsonSchemaValueException as exc:  # a value the schema refuses (not a broken schema: a bug)
        raise refusal(function, args, exc) from None


def refusal(function: Function, args: dict[str, Any], first_failure: fastjsonschema.JsonSchemaValueException) -> CallError:
    """Why args fail the function's schema, field by field (the slow path: only for args the fast check refused)."""
    missing: list[str] = []
    reasons: dict[str, str] = {}
    unknown = [name for name in args if name not in function.args]
    known = {name: value for name, value in args.items() if name in function.args} if unknown else args
    for error in function.validator.iter_errors(known):
        value, instance = cast(Any, error.validator_value), cast(Any, error.instance)  # the keyword's value, the args
        if not error.absolute_path and error.validator == "required":
            missing.extend(n for n in value if n not in instance and n not in missing)
        elif not error.absolute_path and error.validator == "dependentRequired":
            for given, needed in value.items():
                if given in instance:
                    for name in needed:
                        if name not in instance and name not in missing:
                            missing.append(name)
                            reasons.setdefault(name, f"required when {given} is given")
        elif error.absolute_path:
            name = str(error.absolute_path[0])
            reasons.setdefault(name, _short(describe(error, function.args.get(name))))
        else:
            reasons.setdefault("args", _short(error.message))
    if unknown:  # each named with the arguments it may have meant
        return _unknown_arguments(function, args, unknown, missing, reasons)
    if missing:
        text = ", ".join(missing)
        return CallError(
            "REQUIRED_FIELDS",
            f"Please, check and fill in required fields: {text}.",
            missing,
            extra={"reasons": dict(reasons)} if reasons else {},
        )
    if reasons:
        return invalid_arguments(reasons)
    # The two validators disagree: the stricter one wins, in its own words.
    return invalid_arguments({str(first_failure.name).removeprefix("data.").split(".")[0] or "args": _short(first_failure.message)})


def _unknown_arguments(
    function: Function, args: dict[str, Any], unknown: list[str], missing: list[str], reasons: dict[str, str]
) -> CallError:
    """INVALID_ARGUMENTS led by the unknown names and what each may have meant: a misspelt argument explains the
    required one reported missing, so "mesage is not an argument ...; did you mean message?" comes first."""
    not_given = [name for name in function.args if name not in args]
    named: dict[str, str] = {}
    for name in unknown[:MAX_UNKNOWN_LISTED]:
        hint = did_you_mean(name, not_given) or did_you_mean(name, function.args)
        named[printable(name)] = f"not an argument of {function.name}" + (f"; {hint}" if hint else "")
    sentences = [f"{name} is {reason}" + ("" if reason.endswith("?") else ".") for name, reason in named.items()]
    if len(unknown) > MAX_UNKNOWN_LISTED:
        sentences.append(f"{len(unknown) - MAX_UNKNOWN_LISTED} more unknown argument(s) not listed.")
    if missing:
        sentences.append(f"Please, check and fill in required fields: {', '.join(missing)}.")
    invalid = {name: reason for name, reason in reasons.items() if name not in missing}
    if invalid:
        sentences.append("Invalid arguments. " + "; ".join(f"{name}: {reason}" for name, reason in invalid.items()) + ".")
    all_reasons = {**named, **{name: reasons.get(name, "required") for name in missing}, **invalid}
    return CallError("INVALID_ARGUMENTS", " ".join(sentences), list(all_reasons), extra={"reasons": all_reasons})


def _short(reason: str) -> str:
    """A reason cut to a readable length: jsonschema's messages quote the value, which may be most of the body."""
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


def describe(error: jsonschema.ValidationError, arg: Arg | None) -> str:
    """A caller-facing reason for one schema error."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in list(error.absolute_path)[1:])
    prefix = f"{where.lstrip('.')}: " if where else ""
    kind, value = str(error.validator), cast(Any, error.validator_value)  # the keyword and its value from the schema
    if kind == "type":
        types: list[str] = value if isinstance(value, list) else [value]
        reason = "must be " + " or ".join(TYPE_WORDS.get(t, t) for t in types)
    elif kind == "enum":
        reason = "must be one of: " + ", ".join(str(v) for v in value)
    elif kind == "minimum":
        reason = f"must be at least {value}"
    elif kind == "maximum":
        reason = f"must be at most {value}"
    elif kind == "minLength":
        reason = f"must be at least {value} characters long"
    elif kind == "maxLength":
        reason = f"must be at most {value} characters long"
    elif kind == "minItems":
        reason = f"must have at least {value} item(s)"
    elif kind == "maxItems":
        reason = f"must have at most {value} item(s)"
    elif kind == "pattern" and value == CREDENTIAL_PATTERN:
        reason = "must be printable ASCII, without spaces or line breaks"
    elif kind == "pattern":
        reason = f"must match {value}"
    elif kind == "required":
        reason = "missing " + ", ".join(n for n in value if n not in cast(dict[str, Any], error.instance))
    else:
        reason = error.message
    return prefix + reason
