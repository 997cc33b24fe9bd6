"""Which addresses a File URL may reach: public ones, unless configuration opens loopback or private ones.

An IPv6 address that carries an IPv4 address (mapped, translated, compatible, NAT64, 6to4, Teredo) is judged by the
IPv4 address it carries: the network would deliver to that address, whatever the IPv6 wrapping says.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

# Prefixes whose last 32 bits are an IPv4 address.
_LOW_32_BITS = (
    IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (RFC 2765)
    IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix (RFC 6052)
    IPv6Network("::/96"),  # IPv4-compatible (deprecated, RFC 4291); :: and ::1 land on 0.0.0.0 and 0.0.0.1, never public
)
# Not global although Python's ipaddress (3.11) says they are.
_NOT_GLOBAL = (
    IPv6Network("fec0::/10"),  # site-local, deprecated (RFC 3879) but still routed inside some sites
    IPv6Network("64:ff9b:1::/48"),  # NAT64 local-use prefix (RFC 8215): translated inside the site
)


def carried_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms that carry one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address, de-obfuscated
    for network in _LOW_32_BITS:
        if ip in network:
            return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """True for a global unicast address; False for loopback, private, link-local, reserved, multicast and their IPv6 wrappings."""
    ip: IPv4Address | IPv6Address = ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, IPv6Address):
        carried = carried_ipv4(ip)
        if carried is not None:
            ip = carried
        elif any(ip in network for network in _NOT_GLOBAL):
            return False
    return ip.is_global and not ip.is_multicast


def address_allowed(address: str, host: str, allowed_hosts: tuple[str, ...], allow_private: bool) -> bool:
    """Whether a File URL naming host may connect to address (FILE_ALLOWED_HOSTS, FILE_ALLOW_PRIVATE)."""
    return allow_private or host.lower().rstrip(".") in allowed_hosts or is_public(address)
