"""Request bodies: a lone surrogate (JSON's "\\ud800", not text) anywhere in a body is a 400 naming its field, never a 500;
the fast check (fastjsonschema) accepts no body jsonschema refuses, and a refused body is described as before."""

from __future__ import annotations

import functools
import re
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.http.schemas import SCHEMAS
from sandbox.http.validation import UnsafeFastCheck, compile_fast_check, fast_check, validate, validator
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


def test_a_body_only_the_fast_check_refuses_is_accepted():
    body = {"target": "https://example.com/\n", "ttl": 60}  # re.search's $ matches before a final newline; \Z does not
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        fast_check("create_link")(body)
    assert validate("create_link", body) == body


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


def test_a_dollar_under_a_negative_lookahead_is_refused_at_compile_time():  # (?!\Z) allows "a\n", which (?!$) refuses
    with pytest.raises(UnsafeFastCheck, match="keyword 'pattern' at #/properties/name: fastjsonschema's"):
        compile_fast_check("made_up", {"properties": {"name": {"pattern": "^a(?!$)"}}})


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
