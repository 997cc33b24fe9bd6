"""The group: details with owner and plan, statistics that count users, no access to other groups."""

from __future__ import annotations


def test_the_group_has_its_owner_plan_and_links(api):
    group = api.get("/v2/group/1").get_json()
    assert (group["id"], group["name"], group["owner"]["mention_name"], group["plan"]["type"]) == (1, "Sandbox", "admin", "premium")
    assert group["links"]["self"] == "http://sandbox.test/v2/group/1"


def test_statistics_count_the_users_who_are_not_deleted(api):
    before = api.get("/v2/group/1/statistics").get_json()["users"]
    api.post("/v2/user", {"name": "Extra", "email": "extra@sandbox.local"})
    assert api.get("/v2/group/1/statistics").get_json()["users"] == before + 1
    api.delete("/v2/user/extra%40sandbox.local")
    assert api.get("/v2/group/1/statistics").get_json()["users"] == before


def test_an_unknown_group_is_a_404(api):
    assert api.get("/v2/group/999").status_code == 404
