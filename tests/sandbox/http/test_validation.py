"""Request bodies: a lone surrogate (JSON's "\\ud800", not text) anywhere in a body is a 400 naming its field, never a 500;
the fast check (fastjsonschema) accepts no body jsonschema refuses, and a refused body is described as before."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.http.schemas import SCHEMAS
from sandbox.http.validation import UnsafeFastCheck, compile_fast_check, fast_check, validator
from sandbox.model import descriptor
from tests.helpers import ROOT
from tests.sandbox.conftest import ADMIN_TOKEN, basic, error_of, multipart_related

LONE = '"x\\ud800y"'  # JSON text: a high surrogate with no low one after it


def post_raw(api, path: str, text: str, method: str = "post"):
    return getattr(api.client, method)(
        path, data=text.encode("ascii"), content_type="application/json", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v2/room/General/message", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/notification", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/notification", f'{{"message": "m", "from": {LONE}}}', "from"),
        ("/v2/room/General/notification", f'{{"message": "m", "card": {{"style": "link", "id": "c", "title": {LONE}}}}}', "card.title"),
        ("/v2/user/%40carol/message", f'{{"message": {LONE}}}', "message"),
        ("/v2/room/General/share/link", f'{{"link": "https://example.com/", "message": {LONE}}}', "message"),
        ("/v2/room", f'{{"name": {LONE}}}', "name"),
        ("/v2/room/General/webhook", f'{{"url": "https://example.com/h", "event": "room_message", "pattern": {LONE}}}', "pattern"),
    ],
)
def test_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(api, path, body, field):
    response = post_raw(api, path, body)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["validation"]) == (field, "encoding")
    assert "lone surrogate" in error["message"]


def test_a_lone_surrogate_in_a_member_name_is_a_400(api):
    error = error_of(post_raw(api, "/v2/room/General/message", '{"message": "hi", "\\udc00": 1}'))
    assert error["validation"] == "encoding"


def test_a_lone_surrogate_in_an_update_is_a_400(api):
    body = f'{{"name": "Bob", "mention_name": "bob", "email": "bob@sandbox.local", "title": {LONE}}}'
    assert error_of(post_raw(api, "/v2/user/%40bob", body, "put"))["field"] == "title"


def test_a_surrogate_pair_is_text(api):
    response = post_raw(api, "/v2/room/General/message", '{"message": "rocket \\ud83d\\ude80"}')
    assert response.status_code == 201
    assert api.get("/v2/room/General/history/latest?max-results=1").get_json()["items"][0]["message"] == "rocket \U0001f680"


def test_a_lone_surrogate_in_a_share_metadata_part_is_a_400(api):
    content_type, data = multipart_related({"message": "x\ud800y"}, "a.txt", "text/plain", b"hello")  # json.dumps escapes it
    response = api.post("/v2/room/General/share/file", data=data, content_type=content_type)
    assert error_of(response)["field"] == "message"


def test_a_lone_surrogate_in_an_admin_body_is_a_400(api):
    response = post_raw(api, "/_sandbox/login", f'{{"code": {LONE}}}')
    assert (response.status_code, error_of(response)["field"]) == (400, "code")


def test_undecodable_form_bytes_are_refused_not_a_500(api):
    form = "grant_type=client_credentials&scope=%ED%A0%80"  # the UTF-8 form of a surrogate: not valid UTF-8
    response = api.client.post("/v2/oauth/token", data=form, headers={**basic(), "Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status_code, error_of(response)["field"]) == (400, "scope")


def test_a_notification_with_an_unknown_color_is_the_enum_400(api):
    response = api.post("/v2/room/General/notification", {"message": "m", "color": "blue"})
    assert response.status_code == 400
    assert error_of(response) == {
        "code": 400,
        "field": "color",
        "message": "Invalid value for 'color': expected one of yellow, green, red, purple, gray, random",
        "type": "Bad Request",
        "validation": "enum",
        "value": "blue",
    }


GLANCE = {"name": {"value": "Glance"}, "icon": {"url": "https://example.com/i.png", "url@2x": "https://example.com/i2.png"}}
GLANCE_LABEL = {"label": {"type": "html", "value": "x"}}
FAULT = {"path": "/v2/nowhere", "status": 503}

# A field with a pattern anchored by $: (sends a body, or a path, holding the value; its valid value; the field named).
ANCHORED_FIELDS = {
    "extension key": (lambda api, v: api.put(f"/v2/room/General/extension/glance/{quote(v, safe='')}", GLANCE), "glance-1", "key"),
    "extension url": (lambda api, v: api.put("/v2/room/General/extension/externalPage/page", {"url": v}), "https://example.com/p", "url"),
    "webhook url": (
        lambda api, v: api.put("/v2/room/General/extension/webhook/hook", {"url": v, "event": "room_message"}),
        "https://example.com/hook",
        "url",
    ),
    "legacy webhook url": (
        lambda api, v: api.post("/v2/room/General/webhook", {"url": v, "event": "room_message"}),
        "https://example.com/hook",
        "url",
    ),
    "glance update key": (
        lambda api, v: api.post("/v2/addon/ui/room/General", {"glance": [{"key": v, "content": GLANCE_LABEL}]}),
        "glance-1",
        "glance.0.key",
    ),
    "shared link": (lambda api, v: api.post("/v2/room/General/share/link", {"link": v}), "https://example.com/", "link"),
    "integration link target": (lambda api, v: api.post("/v2/addon/link", {"target": v, "ttl": 60}), "https://example.com/", "target"),
    "user email": (lambda api, v: api.post("/v2/user", {"name": "Nia", "email": v}), "nia@example.com", "email"),
    "user mention name": (
        lambda api, v: api.post("/v2/user", {"name": "Nia", "email": "nia@example.com", "mention_name": v}),
        "nia",
        "mention_name",
    ),
    "invited user email": (lambda api, v: api.post("/v2/invite/user", {"name": "Ivy", "email": v}), "ivy@example.com", "email"),
    "fault method": (lambda api, v: api.post("/_sandbox/api/faults", {**FAULT, "method": v}), "GET", "method"),
    "fault header name": (lambda api, v: api.post("/_sandbox/api/faults", {**FAULT, "headers": {v: "1"}}), "Retry-After", "headers"),
    "fault header value": (
        lambda api, v: api.post("/_sandbox/api/faults", {**FAULT, "headers": {"Retry-After": v}}),
        "1",
        "headers.Retry-After",
    ),
}


@pytest.mark.parametrize("where", ANCHORED_FIELDS)
def test_a_pattern_s_dollar_is_the_end_of_the_value_not_before_a_final_newline(api, where):
    send_value, valid, field = ANCHORED_FIELDS[where]
    refused = send_value(api, f"{valid}\n")  # Python's $ matches before it; ECMA-262's, JSON Schema's, does not
    assert refused.status_code == 400, refused.get_json()
    assert (error_of(refused)["field"], error_of(refused)["validation"]) == (field, "pattern")
    accepted = send_value(api, valid)
    assert accepted.status_code in (200, 201, 204), accepted.get_json()


def patterns(schema: Any) -> Iterator[str]:
    """Every pattern keyword's value in the schema (a property named "pattern" holds a schema, not a string)."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for key, value in schema.items():
            yield from patterns(value) if key != "pattern" or isinstance(value, dict) else ()
    elif isinstance(schema, list):
        for item in schema:
            yield from patterns(item)


# Every jsonschema check the sandbox makes, and each distinct pattern with an end anchor in its schema.
CHECKS = {**{name: functools.partial(validator, name) for name in SCHEMAS}, "descriptor": descriptor.validator}
ANCHORED = sorted({(name, pattern) for name, check in CHECKS.items() for pattern in patterns(check().schema) if "$" in pattern})


@pytest.mark.parametrize(("name", "pattern"), ANCHORED)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_every_anchored_pattern_the_sandbox_checks_refuses_a_final_newline(name, pattern, data):
    check = CHECKS[name]().evolve(schema={"type": "string", "pattern": pattern})
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert check.is_valid(text)
    assert not check.is_valid(f"{text}\n"), f"{name}: {pattern!r} reads $ as Python does, before a final newline"


def test_only_the_validation_module_makes_jsonschema_validators():
    """Another would read a pattern's $ as Python does (before a final newline): sandbox.http.validation.checker does not."""
    makers = []
    for path in sorted((ROOT / "sandbox").rglob("*.py")):
        if path == ROOT / "sandbox" / "http" / "validation.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            imported = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in getattr(node, "names", [])]
            if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                name == "jsonschema" or (name.startswith("jsonschema.") and name not in ("jsonschema.exceptions", "jsonschema.protocols"))
                for name in imported
            ):
                makers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert makers == []


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_compiles_to_a_fast_check(name):
    assert callable(fast_check(name))


@pytest.mark.parametrize("value", [True, 1, 1.0, ["a"], {"a": "b"}])
def test_a_non_string_enum_value_is_refused_at_compile_time(value):
    schema = {"type": "object", "properties": {"notify": {"enum": ["yes", value]}}}
    with pytest.raises(UnsafeFastCheck, match=r"schema 'made_up': keyword 'enum' at #/properties/notify"):
        compile_fast_check("made_up", schema)


def test_a_non_string_const_is_refused_at_compile_time():
    with pytest.raises(UnsafeFastCheck, match="keyword 'const'"):
        compile_fast_check("made_up", {"properties": {"n": {"const": 1}}})


@pytest.mark.parametrize("keyword", ["prefixItems", "dependentRequired", "unevaluatedProperties", "$dynamicRef", "if"])
def test_a_keyword_not_known_to_mean_the_same_in_draft_07_is_refused_at_compile_time(keyword):
    schema = {"type": "object", "properties": {"list": {"type": "array", "items": {keyword: {}}}}}
    with pytest.raises(UnsafeFastCheck, match=re.escape(f"schema 'made_up': keyword '{keyword}' at #/properties/list/items")):
        compile_fast_check("made_up", schema)


def test_a_ref_with_siblings_is_refused_at_compile_time():  # draft-07 reads only the $ref
    schema = {"$defs": {"s": {"type": "string"}}, "properties": {"key": {"$ref": "#/$defs/s", "maxLength": 4}}}
    with pytest.raises(UnsafeFastCheck, match="keyword '\\$ref' at #/properties/key: draft-07 ignores"):
        compile_fast_check("made_up", schema)


def test_a_list_of_items_is_refused_at_compile_time():
    with pytest.raises(UnsafeFastCheck, match="keyword 'items'"):
        compile_fast_check("made_up", {"properties": {"pair": {"items": [{"type": "string"}, {"type": "integer"}]}}})


def test_a_dollar_inside_a_pattern_s_set_is_refused_at_compile_time():  # fastjsonschema would write it as \Z
    with pytest.raises(UnsafeFastCheck, match="schema 'made_up': keyword 'pattern'"):
        compile_fast_check("made_up", {"properties": {"name": {"pattern": "^[a$]+$"}}})


# JSON values of every type, nested ones too: what a client sends where another type belongs.
SCALARS = [None, True, False, 0, 1, -1, 1.0, 1.5, 2**70, float("inf"), float("nan"), "", "x", "true", "1", "x\n", "x" * 10_001]
ANY_JSON = st.sampled_from([*SCALARS, [], ["x"], [1, True], [{}], {}, {"x": 1}, {"value": "v"}, {"url": [None]}, {"": {"": []}}])
UNKNOWN_KEYS = st.sampled_from(["unknown", "Message", "", "message "])


@functools.cache
def bodies(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of the schema's own property names: mostly values it allows, at times one at or past an edge (lengths and
    bounds either side, a final newline after a pattern's match or an enum value, a boolean for a number, a missing
    field, an unknown key) or of another JSON type."""
    schema = SCHEMAS[name]
    return mostly(objects(schema, schema, 0), edgy_objects(schema, schema, 0))


def mostly(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any], one_in: int = 10) -> st.SearchStrategy[Any]:
    return st.integers(1, one_in).flatmap(lambda n: rare if n == 1 else usual)


def values(schema: Any, root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    key = (id(schema), id(root), depth)  # one strategy per place: the schemas live as long as the tests
    if key not in VALUES:
        VALUES[key] = mostly(allowed(schema, root, depth), edgy(schema, root, depth) | ANY_JSON)
    return VALUES[key]


VALUES: dict[tuple[int, int, int], st.SearchStrategy[Any]] = {}


def allowed(schema: Any, root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    """Values the schema allows, mostly (a pattern's match may still be too long)."""
    if isinstance(schema, bool) or not schema:
        return ANY_JSON
    if "$ref" in schema:
        target = functools.reduce(lambda node, part: node[part], schema["$ref"].removeprefix("#/").split("/"), root)
        return st.deferred(lambda: allowed(target, root, depth + 1)) if depth < 4 else ANY_JSON
    if "enum" in schema or "const" in schema:
        return st.sampled_from(schema.get("enum", [schema.get("const")]))
    if "anyOf" in schema and "properties" not in schema:
        return st.one_of([allowed(branch, root, depth) for branch in schema["anyOf"]])
    return st.one_of([ALLOWED[kind](schema, root, depth) for kind in kinds(schema)]) if kinds(schema) else ANY_JSON


def edgy(schema: Any, root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    """Values at or just past the schema's edges, allowed or not."""
    if isinstance(schema, bool) or not schema or "$ref" in schema:
        return ANY_JSON
    if "enum" in schema or "const" in schema:
        texts = [choice for choice in schema.get("enum", [schema.get("const")]) if isinstance(choice, str)]
        return st.sampled_from(texts).flatmap(lambda text: st.sampled_from([f"{text}\n", text.upper(), f" {text}"])) if texts else ANY_JSON
    if "anyOf" in schema and "properties" not in schema:
        return st.one_of([edgy(branch, root, depth) for branch in schema["anyOf"]])
    return st.one_of([EDGY[kind](schema, root, depth) for kind in kinds(schema)]) if kinds(schema) else ANY_JSON


def kinds(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", "object" if "properties" in schema else [])
    return kind if isinstance(kind, list) else [kind]


def strings(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[str]:
    if "pattern" in schema:
        return st.from_regex(schema["pattern"])
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", 64)
    lengths = sorted({low, min(low + 1, high), high})
    # U+1F680 is one character (as both count) but two UTF-16 units
    return st.tuples(st.sampled_from(lengths), st.sampled_from(["x", "\U0001f680"])).map(lambda pair: pair[1] * pair[0])


def edgy_strings(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    lengths = [n for n in (low - 1, low, high, (high or 0) + 1) if n is not None and n >= 0]
    edges = st.sampled_from(lengths).map(lambda n: "x" * n) | st.sampled_from(["", "\n", "x\n"])
    if "pattern" in schema:
        edges |= st.from_regex(schema["pattern"]).map(lambda text: f"{text}\n")
    return edges


def integers(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[int | float]:
    low, high = schema.get("minimum", -5), schema.get("maximum", 5)
    return st.integers(low, high) | st.sampled_from([float(low), float(high)])


def edgy_integers(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    edges = [edge + step for edge in (schema.get("minimum"), schema.get("maximum")) if edge is not None for step in (-1, 0, 1)]
    return st.sampled_from([*edges, True, False, 0.5, 1.5, 2**70, float("inf"), float("nan"), "1"])


def arrays(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[list[Any]]:
    return st.lists(values(schema.get("items", {}), root, depth + 1), max_size=3)


def objects(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    fields = {key: values(subschema, root, depth + 1) for key, subschema in schema.get("properties", {}).items()}
    required = {key: fields.get(key, ANY_JSON) for key in schema.get("required", [])}
    known = st.fixed_dictionaries(required, optional={key: field for key, field in fields.items() if key not in required})
    if not fields and "additionalProperties" not in schema:  # a free object: any members
        return st.dictionaries(UNKNOWN_KEYS, ANY_JSON, max_size=2)
    if not isinstance(schema.get("additionalProperties"), dict):
        return known
    names = st.from_regex(schema["propertyNames"]["pattern"]) if "propertyNames" in schema else st.text(max_size=5)
    more = st.dictionaries(names, values(schema["additionalProperties"], root, depth + 1), max_size=3)
    return st.tuples(known, more).map(lambda pair: {**pair[1], **pair[0]})


def edgy_objects(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    """The schema's objects with a field missing, an unknown key or one property too many."""
    fields = {key: values(subschema, root, depth + 1) for key, subschema in schema.get("properties", {}).items()}
    unknown = st.tuples(objects(schema, root, depth), st.dictionaries(UNKNOWN_KEYS, ANY_JSON, min_size=1, max_size=1))
    edges = st.fixed_dictionaries({}, optional=fields) | unknown.map(lambda pair: {**pair[1], **pair[0]})
    if "maxProperties" in schema:
        most = schema["maxProperties"]
        edges |= st.integers(most, most + 1).map(lambda n: {f"X-{i}": "v" for i in range(n)})
    return edges


def nulls(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[None]:
    return st.none()


def booleans(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[bool]:
    return st.booleans()


def edgy_booleans(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    return st.sampled_from([0, 1, 1.0, "true", None])


ALLOWED = {"string": strings, "integer": integers, "boolean": booleans, "null": nulls, "array": arrays, "object": objects}
EDGY = {"string": edgy_strings, "integer": edgy_integers, "boolean": edgy_booleans, "null": nulls, "array": arrays, "object": edgy_objects}


def fast_accepts(name: str, body: dict[str, Any]) -> bool:
    try:
        fast_check(name)(body)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=50, deadline=None)  # of 4 bodies each: 200 a schema, at half the cost of 200 examples of one
@given(data=st.data())
def test_the_fast_check_accepts_no_body_jsonschema_refuses(name, data):
    for body in data.draw(st.lists(bodies(name), min_size=4, max_size=4)):
        if fast_accepts(name, body):
            assert [error.message for error in validator(name).iter_errors(body)] == []
