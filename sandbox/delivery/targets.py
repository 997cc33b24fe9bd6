"""Where a webhook may point: never at the sandbox itself, and only at SANDBOX_WEBHOOK_ALLOWED_HOSTS when that is set.

Loopback stays open, since that is how bots are tested locally: what is refused is the sandbox's own address, that is
its listening host:port (as gunicorn bound it), SANDBOX_PUBLIC_URL, and the Host the creating request came in on.
Hosts are compared the way a client would connect to them: the URL is read by urllib3 (what delivery uses), userinfo
dropped, names lowercased without a trailing dot, IP addresses in any form inet_aton takes (127.1, 0x7f.0.0.1,
2130706433) or IPv6 ([::1], [::ffff:127.0.0.1]) made canonical, default ports filled in; localhost, *.localhost,
this machine's names and every address of this machine (loopback, 0.0.0.0, its interfaces) count as one place.

Checked when a webhook is created (check(): a 400 naming the field) and again at delivery (checked_addresses()), where
the host is looked up once, every address it gives is judged, and the connection goes to one of those very addresses
(Pinned), so that DNS cannot answer one address to the check and another to the connect. Redirects are not followed.

An add-on's descriptor GET (sandbox.delivery.outbound) takes the same connections (endpoint(), addresses_of(), pinned(),
session()) without the rules: its URL is the installer's own choice, and may be loopback.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask import has_request_context, request
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from common.deadline import DeadlineConnection
from common.pinned import look_up, pinned_session
from sandbox.config import SandboxSettings
from sandbox.http.context import sandbox
from sandbox.http.errors import bad_request

DEFAULT_PORTS = {"http": 80, "https": 443}
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
IP_CHARACTERS = frozenset("0123456789abcdefx.")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class LookupFailed(Exception):
    """The webhook's host could not be resolved (perhaps for a while: the delivery is tried again)."""


class TargetRefused(Exception):
    """A webhook URL the sandbox will not deliver to; the message says why.

    Not an OSError on purpose: urllib3 would take an OSError for a network failure and retry it.
    """


@dataclass(frozen=True)
class Endpoint:
    host: str  # as host_key() makes it
    port: int


def ip_of(host: str) -> IPAddress | None:
    """The IP address host names literally, in any form a resolver reads as one; IPv4 inside IPv6 unwrapped."""
    try:
        ip: IPAddress = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if not host or not set(host) <= IP_CHARACTERS:
            return None
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(host))  # 127.1, 0x7f.0.0.1, 017700000001, 2130706433
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if 1 < int(ip) < 1 << 32:  # IPv4-compatible ::a.b.c.d (::1 and :: are themselves)
            return ipaddress.IPv4Address(int(ip))
    return ip


def host_key(host: str) -> str:
    """The host as compared: brackets, case and trailing dots gone; an IP address canonical; a name in its IDNA form."""
    host = host.strip().strip("[]").rstrip(".").lower()
    ip = ip_of(host)
    if ip is not None:
        return str(ip)
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@functools.lru_cache(maxsize=1024)
def is_this_machine(address: str) -> bool:
    """Whether address is one of this machine's: loopback, unspecified, or one a socket can bind to."""
    ip = ipaddress.ip_address(address)
    if ip.is_loopback or ip.is_unspecified:
        return True
    family = socket.AF_INET if ip.version == 4 else socket.AF_INET6
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


def machine_names() -> frozenset[str]:
    return frozenset(host_key(name) for name in (socket.gethostname(), socket.getfqdn()) if name)


def is_local(host: str) -> bool:
    """Whether a host (as host_key made it) is this machine, by its address or by a name that always means it."""
    ip = ip_of(host)
    if ip is not None:
        return is_this_machine(str(ip))
    return host in LOCAL_NAMES or host.endswith(".localhost") or host in machine_names()


def endpoint(url: str) -> Endpoint:
    """Where url points, as the delivery's HTTP client reads it; TargetRefused for a URL that is not plainly one place."""
    try:
        parsed = parse_url(url)
        other = urlsplit(url)
        other_host = other.hostname or ""
        other_port = other.port
    except (LocationParseError, ValueError):
        raise TargetRefused("it is not a valid http(s) URL") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parsed.host:
        raise TargetRefused("it must be an http(s) URL with a host")
    port = parsed.port or DEFAULT_PORTS[scheme]
    target = Endpoint(host_key(parsed.host), port)
    if (host_key(other_host), other_port or DEFAULT_PORTS[scheme]) != (target.host, target.port):
        raise TargetRefused("its host is written in a way URL parsers read differently")
    return target


def own_endpoints(settings: SandboxSettings, bound: Iterable[tuple[str, str]], request_url: str | None = None) -> set[Endpoint]:
    """The sandbox's own addresses: where it listens ((host, port) pairs), SANDBOX_PUBLIC_URL, and a request's URL."""
    own = set()
    for host, port in bound:
        if port.isdigit():
            own.add(Endpoint(host_key(host), int(port)))
    for url in (settings.public_url, request_url):
        if url:
            try:
                mine = endpoint(url)
            except TargetRefused:
                continue
            own.add(mine)
            if url == settings.public_url and parse_url(url).port is None:  # a public name answers on both default ports
                own.update(Endpoint(mine.host, port) for port in DEFAULT_PORTS.values())
    return own


def points_at(target: Endpoint, own: Iterable[Endpoint]) -> bool:
    """Whether target is one of own: the same host and port, or this machine and a port it listens on."""
    return any(mine.port == target.port and (mine.host == target.host or (is_local(mine.host) and is_local(target.host))) for mine in own)


def allowed_hosts(settings: SandboxSettings) -> frozenset[str]:
    return frozenset(host_key(name) for name in settings.webhook_allowed_hosts.replace(",", " ").split())


def judge(url: str, settings: SandboxSettings, own: Iterable[Endpoint]) -> Endpoint:
    """Where url points, if a webhook may point there; TargetRefused saying why not."""
    target = endpoint(url)
    allowed = allowed_hosts(settings)
    if allowed and target.host not in allowed:
        raise TargetRefused(f"{target.host} is not one of the hosts SANDBOX_WEBHOOK_ALLOWED_HOSTS names")
    if points_at(target, own):
        raise TargetRefused(f"it points at the sandbox itself ({target.host}:{target.port})")
    return target


def listeners() -> set[tuple[str, str]]:
    """The (host, port) pairs this process was seen listening on (sandbox.security.gate records them)."""
    return sandbox().services.setdefault("listeners", set())


def own_now() -> set[Endpoint]:
    """The sandbox's own addresses as this process knows them now: in a request, its Host and the address it came in
    on count too."""
    bound, request_url = set(listeners()), None
    if has_request_context():
        bound.add((request.environ.get("SERVER_NAME", ""), request.environ.get("SERVER_PORT", "")))
        request_url = f"{request.scheme}://{request.host}/"
    return own_endpoints(sandbox().settings, bound, request_url)


def check(url: str, field: str = "url") -> None:
    """At creation: a 400 naming the field (a descriptor's "capabilities.webhook.0.url", say) for a URL a webhook may
    not point at."""
    try:
        judge(url, sandbox().settings, own_now())
    except TargetRefused as refused:
        raise bad_request(f"Invalid value for '{field}': {refused}", field, "target", url) from None


def addresses_of(target: Endpoint) -> list[str]:
    """The addresses target's host resolves to, looked up once (no rule applied); LookupFailed when it does not resolve."""
    addresses = look_up(target.host, target.port)
    if not addresses:
        raise LookupFailed(f"the host {target.host} could not be resolved")
    return addresses


def checked_addresses(url: str, settings: SandboxSettings, own: Iterable[Endpoint]) -> list[str]:
    """At delivery: the addresses url's host resolves to, looked up once, each judged; TargetRefused for any refused,
    LookupFailed when the name does not resolve."""
    own = set(own)
    target = judge(url, settings, own)
    addresses = addresses_of(target)
    for address in addresses:
        if points_at(Endpoint(host_key(address), target.port), own):
            raise TargetRefused(f"{target.host} resolves to {address}, the sandbox itself")
    return addresses


_pinned: ContextVar[tuple[str, ...]] = ContextVar("webhook_addresses", default=())


@contextmanager
def pinned(addresses: Iterable[str]) -> Iterator[None]:
    """Connections opened inside go to these addresses only (checked ones, for a webhook)."""
    token = _pinned.set(tuple(addresses))
    try:
        yield
    finally:
        _pinned.reset(token)


class _Pinned(DeadlineConnection):
    """Mixed into urllib3's connections: connect to an address checked for this delivery (pinned()), within the
    attempt's deadline (common.deadline), which shuts the connection down when it passes."""

    def checked_addresses(self) -> tuple[str, ...]:
        addresses = _pinned.get()
        if not addresses:
            raise TargetRefused("a webhook connects only to an address checked for it")
        return addresses


def session() -> requests.Session:
    """A session for webhook deliveries: pinned connections under a deadline, no proxies or netrc from the environment."""
    return pinned_session(_Pinned)
