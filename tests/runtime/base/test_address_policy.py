"""The address policy of File URLs: public addresses only, IPv6 forms that carry an IPv4 address judged by that address."""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from runtime.base.address_policy import address_allowed, carried_ipv4, is_public

# Teredo (2001::/32) stores the client's IPv4 address inverted in the last 32 bits.
TEREDO_10_0_0_1 = "2001:0:4136:e378:8000:63bf:f5ff:fffe"
TEREDO_8_8_8_8 = "2001:0:4136:e378:8000:63bf:f7f7:f7f7"

ADDRESSES = [
    # (address, public?, what it is)
    ("8.8.8.8", True, "public IPv4"),
    ("127.0.0.1", False, "loopback"),
    ("10.1.2.3", False, "private"),
    ("169.254.169.254", False, "link-local (cloud metadata)"),
    ("100.64.0.1", False, "shared address space (carrier-grade NAT)"),
    ("0.0.0.0", False, "this host"),
    ("224.0.0.1", False, "multicast"),
    ("2606:4700:4700::1111", True, "public IPv6"),
    ("::1", False, "IPv6 loopback"),
    ("::", False, "IPv6 unspecified"),
    ("fe80::1", False, "IPv6 link-local"),
    ("fe80::1%eth0", False, "IPv6 link-local with a zone"),
    ("fc00::1", False, "unique local"),
    ("fec0::1", False, "site-local (deprecated)"),
    ("ff02::1", False, "IPv6 multicast"),
    ("2001:db8::1", False, "documentation"),
    ("::ffff:127.0.0.1", False, "IPv4-mapped loopback"),
    ("::ffff:8.8.8.8", True, "IPv4-mapped public"),
    ("::127.0.0.1", False, "IPv4-compatible loopback"),
    ("::169.254.169.254", False, "IPv4-compatible link-local"),
    ("::8.8.8.8", True, "IPv4-compatible public"),
    ("::ffff:0:7f00:1", False, "IPv4-translated loopback"),
    ("::ffff:0:808:808", True, "IPv4-translated public"),
    ("64:ff9b::7f00:1", False, "NAT64 of loopback"),
    ("64:ff9b::a9fe:a9fe", False, "NAT64 of the metadata address"),
    ("64:ff9b::808:808", True, "NAT64 of a public IPv4"),
    ("64:ff9b:1::808:808", False, "NAT64 local-use prefix"),
    ("2002:7f00:1::", False, "6to4 of loopback"),
    ("2002:a01:203::1", False, "6to4 of a private IPv4"),
    ("2002:808:808::1", True, "6to4 of a public IPv4"),
    (TEREDO_10_0_0_1, False, "Teredo carrying a private IPv4"),
    (TEREDO_8_8_8_8, True, "Teredo carrying a public IPv4"),
]


@pytest.mark.parametrize(("address", "public", "what"), ADDRESSES, ids=[a[2] for a in ADDRESSES])
def test_an_address_is_public_only_if_it_and_any_ipv4_it_carries_are_global(address, public, what):
    assert is_public(address) is public, what


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::127.0.0.1", "127.0.0.1"),
        ("::ffff:0:7f00:1", "127.0.0.1"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        (TEREDO_10_0_0_1, "10.0.0.1"),
        ("2606:4700:4700::1111", None),
    ],
)
def test_the_ipv4_address_an_ipv6_form_carries_is_unwrapped(address, carried):
    found = carried_ipv4(IPv6Address(address))
    assert (str(found) if found else None) == carried


def test_a_closed_address_opens_only_for_an_allowed_host_or_with_allow_private():
    assert not address_allowed("64:ff9b::7f00:1", "files.example.com", (), False)
    assert address_allowed("64:ff9b::7f00:1", "files.example.com", ("files.example.com",), False)
    assert address_allowed("64:ff9b::7f00:1", "Files.Example.com.", ("files.example.com",), False)
    assert not address_allowed("127.0.0.1", "other.example.com", ("files.example.com",), False)
    assert address_allowed("127.0.0.1", "other.example.com", (), True)
    assert address_allowed("8.8.8.8", "dns.example.com", (), False)
