"""The catalog: valid against its schema, complete against the seed, refused when broken."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from runtime.app import create_app
from runtime.catalog.envelope import UpstreamApi
from runtime.catalog.loading import SCHEMA_PATH, CatalogError, build_catalog, load_catalog
from runtime.config import ROOT, Settings
from tests.helpers import SEED

DOCUMENT = json.loads((ROOT / "metadata.json").read_text())


def seed_functions() -> dict[str, list[str]]:
    """Function name -> argument names, read from the seed README."""
    functions: dict[str, list[str]] = {}
    current = None
    for line in SEED.read_text().splitlines():
        heading = re.match(r"^## HipChat\.(\w+)", line)
        if heading:
            current = heading.group(1)
            functions[current] = []
            continue
        row = re.match(r"^\|\s*([A-Za-z0-9]+)\s*\|\s*[A-Za-z]+\s*\|", line)
        if current and row and row.group(1) != "Field":
            functions[current].append(row.group(1))
    return functions


def seed_descriptions() -> dict[str, str]:
    """Function name -> its description: the first line of text under its heading in the seed README."""
    sections = re.split(r"^## HipChat\.(\w+)\s*$", SEED.read_text(), flags=re.M)
    return {name: body.strip().splitlines()[0].strip() for name, body in zip(sections[1::2], sections[2::2], strict=True)}


needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the seed is not at {SEED}")


def test_metadata_is_valid_against_its_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator(schema).validate(DOCUMENT)


@needs_seed
def test_every_seed_function_is_in_the_catalog():
    catalog = load_catalog(ROOT / "metadata.json")
    seed = seed_functions()
    assert len(seed) == 93
    assert sorted(seed) == sorted(catalog.functions)


@needs_seed
def test_every_seed_argument_name_is_in_its_block():
    catalog = load_catalog(ROOT / "metadata.json")
    for name, seed_args in seed_functions().items():
        missing = set(seed_args) - set(catalog.functions[name].args)
        assert not missing, f"{name} lacks {missing}"


@needs_seed
def test_every_block_keeps_the_seeds_description():
    descriptions = {block["name"]: block["description"] for block in DOCUMENT["blocks"]}
    assert descriptions == seed_descriptions()


# What HipChat's reference pages put around a description, which the seed copied into some of them.
PAGE_FURNITURE = re.compile(r"Authentication required|Accessible by|\b(\w+) \1\b", re.I)


def display_description(block: dict) -> str:
    return block.get("summary", block["description"])


def test_every_shown_description_is_a_clean_sentence():
    for block in DOCUMENT["blocks"]:
        text = display_description(block)
        assert not PAGE_FURNITURE.search(text), (block["name"], text)
        assert re.fullmatch(r"[A-Z].*\.", text), (block["name"], text)
        assert not re.search(r"[a-z] [A-Z][a-z]+ [a-z]", text), (block["name"], text)  # two sentences run together


def test_a_summary_is_given_only_where_the_seeds_description_is_broken_or_ambiguous():
    summaries = {block["name"]: block["summary"] for block in DOCUMENT["blocks"] if "summary" in block}
    assert summaries["deleteGlobalDialog"] == "Delete a global dialog."
    assert summaries["deleteSession"] == "Deletes the OAuth session via its associated access_token."
    for name, summary in summaries.items():
        assert summary != block_named(DOCUMENT, name)["description"], name


def test_no_two_functions_are_shown_with_the_same_description():
    # The seed gives getGroupStatistics getGroup's text, sendRoomNotification sendMessageToRoom's, and one text to both
    # getRoomMessage and getPrivatechatMessage.
    shown: dict[str, str] = {}
    for block in DOCUMENT["blocks"]:
        text = display_description(block)
        assert text not in shown, (block["name"], shown.get(text), text)
        shown[text] = block["name"]


def test_argument_infos_have_no_doubled_words():
    for block in DOCUMENT["blocks"]:
        for arg in block["args"]:
            assert not PAGE_FURNITURE.search(arg["info"]), (block["name"], arg["name"], arg["info"])


def test_every_block_says_who_may_call_it_in_the_packages_terms():
    definitions = DOCUMENT["access"]
    for block in DOCUMENT["blocks"]:
        access = block["access"]
        assert set(access["tokens"]) <= set(definitions["tokens"]), block["name"]
        assert set(access["scopes"]) <= set(definitions["scopes"]), block["name"]
        if not access["tokens"]:
            assert not access["scopes"], block["name"]


def test_access_naming_an_unknown_scope_is_refused():
    document = broken(lambda d: block_named(d, "getRoom")["access"].update(scopes=["view_rooms"]))
    with pytest.raises(CatalogError, match=r"\(getRoom\): access.scopes names \['view_rooms'\]"):
        build_catalog(document)


def test_access_naming_an_unknown_token_kind_is_refused():
    document = broken(lambda d: block_named(d, "getRoom")["access"].update(tokens=["guest"]))
    with pytest.raises(CatalogError, match=r"\(getRoom\): access.tokens names \['guest'\]"):
        build_catalog(document)


def test_the_listing_shows_the_summary_as_the_description_and_leaves_private_keys_out():
    listing = load_catalog(ROOT / "metadata.json").listing()
    block = next(b for b in listing["blocks"] if b["name"] == "deleteGlobalDialog")
    assert block["description"] == "Delete a global dialog."
    assert all("summary" not in b for b in listing["blocks"])
    assert {"upstream", "environmentPrefix", "$defs"}.isdisjoint(listing)
    assert listing["access"] == DOCUMENT["access"]


def test_the_upstream_facts_and_secret_names_default_from_the_package_name():
    document = broken(lambda d: [d.pop(key) for key in ("upstream", "environmentPrefix")])
    catalog = build_catalog(document)
    assert catalog.upstream == UpstreamApi("HipChat", "hipchat-package-runtime/1.0", ())
    assert catalog.environment.token == "HIPCHAT_TOKEN"
    assert catalog.environment.variable(catalog.find("getAccessToken").args["clientSecret"]) == "HIPCHAT_CLIENT_SECRET"


def test_arguments_the_seed_lacks_are_marked_as_additions():
    for block in DOCUMENT["blocks"]:
        for arg in block["args"]:
            if arg.get("addition"):
                assert arg["info"].startswith("Addition"), (block["name"], arg["name"])


def test_every_block_has_the_rapidapi_callbacks():
    for block in DOCUMENT["blocks"]:
        assert {c["name"] for c in block["callbacks"]} == {"success", "error"}


def test_the_correctly_spelled_alias_finds_the_seed_typo():
    catalog = load_catalog(ROOT / "metadata.json")
    assert catalog.find("getRoomAllParticipants") is catalog.find("getRoomtAllParticipants")


def test_validators_are_compiled_once_at_load():
    catalog = load_catalog(ROOT / "metadata.json")
    function = catalog.find("getRoomHistory")
    assert function.validator is catalog.find("getRoomHistory").validator
    assert function.validator.schema["properties"]["maxResults"] == {"type": "integer", "minimum": 0, "maximum": 1000}


def test_the_listing_leaves_the_wire_mapping_out():
    listing = load_catalog(ROOT / "metadata.json").listing()
    assert {"package", "tagline", "description", "image", "keywords", "accounts", "blocks"} <= set(listing)
    text = json.dumps(listing)
    assert '"wire"' not in text
    assert '"request"' not in text


def broken(mutate) -> dict:
    document = copy.deepcopy(DOCUMENT)
    mutate(document)
    return document


def block_named(document: dict, name: str) -> dict:
    return next(b for b in document["blocks"] if b["name"] == name)


def test_a_schema_error_names_the_broken_entry():
    document = broken(lambda d: block_named(d, "getRoom")["args"][1].update(type="Text"))
    with pytest.raises(CatalogError, match=r"blocks\[\d+\] \(getRoom\)\.args\[1\]\.type"):
        build_catalog(document)


def test_a_path_placeholder_without_argument_is_refused():
    document = broken(lambda d: block_named(d, "getRoom")["request"].update(path="/room/{room_id}"))
    with pytest.raises(CatalogError, match=r"\(getRoom\): path '/room/\{room_id\}'"):
        build_catalog(document)


def test_a_name_used_twice_is_refused():
    document = broken(lambda d: block_named(d, "getRoom").update(aliases=["getUser"]))
    with pytest.raises(CatalogError, match=r"getUser.* used twice"):
        build_catalog(document)


def test_an_encoder_without_module_is_refused():
    document = broken(lambda d: block_named(d, "createRoom")["request"].update(encoder="nonexistent"))
    with pytest.raises(CatalogError, match=r"\(createRoom\): encoder 'nonexistent'"):
        build_catalog(document)


def test_overlapping_body_paths_are_refused():
    def mutate(d):
        block_named(d, "sendRoomNotification")["args"][3]["wire"] = {"in": "body", "as": "card.thumbnail"}

    with pytest.raises(CatalogError, match="overlap"):
        build_catalog(broken(mutate))


def test_a_credential_argument_must_be_secret():
    def mutate(d):
        block_named(d, "getRoom")["args"][0]["type"] = "String"

    with pytest.raises(CatalogError, match="carries a credential"):
        build_catalog(broken(mutate))


def test_the_runtime_refuses_to_start_on_a_broken_catalog(tmp_path):
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(broken(lambda d: block_named(d, "deleteRoom")["request"].update(method="FETCH"))))
    with pytest.raises(CatalogError, match=r"\(deleteRoom\)\.request\.method"):
        create_app(Settings(catalog_path=str(path)))


def test_an_invalid_item_schema_is_refused_by_name():
    document = broken(lambda d: block_named(d, "addMemberToRoom")["args"][3].update(items={"type": "strung"}))
    with pytest.raises(CatalogError, match=r"addMemberToRoom\.roomRoles\.items"):
        build_catalog(document)


def test_a_corrected_argument_says_so_in_its_info():
    for block in DOCUMENT["blocks"]:
        for arg in block["args"]:
            if "correction" in arg:
                assert arg["info"].endswith("(Corrected from the seed: see correction.)"), (block["name"], arg["name"])
