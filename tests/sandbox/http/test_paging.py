"""HipChat's list envelope: start-index and max-results within HipChat's bounds, next only when a further page exists."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.sandbox.conftest import create_room, error_of


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_list_is_hipchats_envelope_with_absolute_links(api):
    body = api.get("/v2/room").get_json()
    assert set(body) == {"items", "startIndex", "maxResults", "links"}
    assert (body["startIndex"], body["maxResults"]) == (0, 100)
    assert body["links"] == {"self": "http://sandbox.test/v2/room"}


def test_next_appears_only_while_a_further_page_exists(empty_api):
    for n in range(5):
        create_room(empty_api, f"Room {n}")
    first = empty_api.get("/v2/room?max-results=2").get_json()
    assert [room["name"] for room in first["items"]] == ["Room 0", "Room 1"]
    assert "prev" not in first["links"]
    assert query_of(first["links"]["next"]) == {"start-index": ["2"], "max-results": ["2"]}
    second = empty_api.get(first["links"]["next"].replace("http://sandbox.test", "")).get_json()
    assert [room["name"] for room in second["items"]] == ["Room 2", "Room 3"]
    assert query_of(second["links"]["prev"]) == {"start-index": ["0"], "max-results": ["2"]}
    last = empty_api.get("/v2/room?start-index=4&max-results=2").get_json()
    assert [room["name"] for room in last["items"]] == ["Room 4"]
    assert "next" not in last["links"]


def test_an_exactly_full_last_page_has_no_next(empty_api):
    for n in range(4):
        create_room(empty_api, f"Room {n}")
    body = empty_api.get("/v2/room?start-index=2&max-results=2").get_json()
    assert len(body["items"]) == 2
    assert "next" not in body["links"]


def test_other_query_parameters_are_kept_in_links(empty_api):
    for n in range(3):
        create_room(empty_api, f"Room {n}")
    body = empty_api.get("/v2/room?max-results=1&include-archived=true").get_json()
    assert query_of(body["links"]["next"])["include-archived"] == ["true"]


def test_max_results_over_1000_is_a_400(api):
    response = api.get("/v2/room?max-results=1001")
    assert response.status_code == 400
    error = error_of(response)
    assert (error["field"], error["validation"], error["value"]) == ("max-results", "range", 1001)


def test_a_negative_start_index_is_a_400(api):
    assert error_of(api.get("/v2/user?start-index=-1"))["field"] == "start-index"


def test_a_non_numeric_max_results_is_a_400(api):
    error = error_of(api.get("/v2/emoticon?max-results=ten"))
    assert (error["field"], error["validation"]) == ("max-results", "type")


def test_max_results_zero_gives_an_empty_page_without_next(api):
    body = api.get("/v2/emoticon?max-results=0").get_json()
    assert body["items"] == []
    assert "next" not in body["links"]


def test_a_start_index_past_any_id_is_a_400(api):
    assert error_of(api.get("/v2/room?start-index=99999999999999999999"))["field"] == "start-index"
