"""The schema, as numbered migrations: MIGRATIONS[n] takes PRAGMA user_version from n to n + 1. Append, never edit.

Times are integer microseconds since the epoch (ts, created, ...) unless named *_at_ms. A room's history is read
through messages_room (room_id, ts, seq): a page is an index range scan from one end, so its cost does not grow
with the room's size.
"""

from __future__ import annotations

INITIAL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE files (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created INTEGER NOT NULL
);

CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    subdomain TEXT NOT NULL,
    domain TEXT,
    plan TEXT NOT NULL DEFAULT 'premium',
    owner_id INTEGER,
    avatar_file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    created INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    mention_name TEXT NOT NULL,
    email TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    roles TEXT NOT NULL DEFAULT '["user"]',
    is_group_admin INTEGER NOT NULL DEFAULT 0,
    is_guest INTEGER NOT NULL DEFAULT 0,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    presence_status TEXT,
    presence_show TEXT,
    is_online INTEGER NOT NULL DEFAULT 0,
    photo_file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    created INTEGER NOT NULL,
    last_active INTEGER,
    version TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(group_id, email COLLATE NOCASE) WHERE is_deleted = 0;
CREATE UNIQUE INDEX users_mention ON users(group_id, mention_name COLLATE NOCASE) WHERE is_deleted = 0;

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    privacy TEXT NOT NULL DEFAULT 'public',
    is_archived INTEGER NOT NULL DEFAULT 0,
    is_guest_accessible INTEGER NOT NULL DEFAULT 0,
    guest_token TEXT,
    owner_id INTEGER REFERENCES users(id),
    delegate_admin_visibility INTEGER,
    avatar_file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    messages_sent INTEGER NOT NULL DEFAULT 0,
    last_active INTEGER,
    created INTEGER NOT NULL,
    version TEXT NOT NULL
);
CREATE UNIQUE INDEX rooms_name ON rooms(group_id, name COLLATE NOCASE);

CREATE TABLE room_members (
    room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    roles TEXT NOT NULL,
    added INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

CREATE TABLE room_participants (
    room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    entered INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

CREATE TABLE auto_join (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    added INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id)
) WITHOUT ROWID;

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    inviter_id INTEGER,
    reason TEXT,
    created INTEGER NOT NULL
);

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
    chat TEXT,
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    sender_id INTEGER,
    from_label TEXT,
    client_id TEXT,
    message TEXT NOT NULL,
    message_format TEXT,
    color TEXT,
    notify INTEGER NOT NULL DEFAULT 0,
    card TEXT,
    file_id TEXT REFERENCES files(id) ON DELETE SET NULL,
    links TEXT,
    mentions TEXT,
    parent_id TEXT,
    attach_to TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_room ON messages(room_id, ts, seq);
CREATE INDEX messages_chat ON messages(chat, ts, seq);

CREATE TABLE emoticons (
    id INTEGER PRIMARY KEY,
    group_id INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    shortcut TEXT NOT NULL UNIQUE,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    color TEXT NOT NULL,
    creator_id INTEGER,
    created INTEGER NOT NULL
);

CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    addon_key TEXT NOT NULL,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    capabilities_url TEXT,
    installable_token TEXT UNIQUE,
    installable_read INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT REFERENCES oauth_clients(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER
) WITHOUT ROWID;

CREATE TABLE refresh_tokens (
    hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT REFERENCES oauth_clients(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    created INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE auth_codes (
    hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    room_id INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    key TEXT NOT NULL,
    event TEXT,
    body TEXT NOT NULL,
    client_id TEXT,
    creator_id INTEGER,
    created INTEGER NOT NULL
);
CREATE UNIQUE INDEX extensions_key ON extensions(group_id, type, ifnull(room_id, 0), key);
CREATE INDEX extensions_event ON extensions(group_id, event);

CREATE TABLE integration_links (
    token TEXT PRIMARY KEY,
    group_id INTEGER NOT NULL,
    client_id TEXT,
    target TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ui_updates (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL,
    room_id INTEGER,
    user_id INTEGER,
    client_id TEXT,
    glance TEXT NOT NULL,
    created INTEGER NOT NULL
);

CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key, window)
) WITHOUT ROWID;

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER,
    webhook_key TEXT,
    event TEXT NOT NULL,
    room_id INTEGER,
    url TEXT NOT NULL,
    authentication TEXT NOT NULL,
    client_id TEXT,
    user_id INTEGER,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    created INTEGER NOT NULL,
    finished INTEGER,
    outcome TEXT
);
CREATE INDEX deliveries_due ON deliveries(state, next_at);

CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    started INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    status INTEGER,
    error TEXT,
    response TEXT,
    signed INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    principal TEXT,
    request TEXT,
    response TEXT
);
"""

# Who may use /_sandbox/ besides the admin token: one-time login codes and the viewer sessions they open (hashes only).
ADMIN_CREDENTIALS = """
CREATE TABLE admin_credentials (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('login', 'session')),
    expires INTEGER NOT NULL
);
"""

# Add-ons installed from their descriptor: the OAuth client is the installation (its id is the oauthId); this row
# keeps where the descriptor came from, the descriptor as fetched, and the callback the uninstall DELETE goes to.
INSTALLATIONS = """
CREATE TABLE installations (
    client_id TEXT PRIMARY KEY REFERENCES oauth_clients(id) ON DELETE CASCADE,
    descriptor_url TEXT NOT NULL,
    descriptor TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    installed INTEGER NOT NULL
) WITHOUT ROWID;
"""

# The authorization-code grant with consent (issue 13, item 2): the redirect URLs a client registered (its descriptor's
# capabilities.oauth2Consumer.redirectionUrls, or SANDBOX_OAUTH_REDIRECT_URIS for the seeded add-on), space-separated;
# the sessions of users signed in on the consent page (hashes only); codes found by expiry when they are purged.
CONSENT = """
ALTER TABLE oauth_clients ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
CREATE TABLE user_sessions (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_codes_expires ON auth_codes(expires_at);
"""

# Faults injected on purpose (POST /_sandbox/api/faults): what a fault matches, what it answers instead, how many
# times (NULL: until removed) and how many requests it took; the journal marks each answer a fault made.
FAULTS = """
CREATE TABLE faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT,
    path TEXT,
    pattern TEXT,
    token_kind TEXT,
    addon TEXT,
    status INTEGER,
    message TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    reset_s INTEGER,
    delay_ms INTEGER NOT NULL DEFAULT 0,
    close INTEGER NOT NULL DEFAULT 0,
    times INTEGER,
    hits INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);
ALTER TABLE journal ADD COLUMN fault INTEGER;
"""


# Delivery as a queue: each delivery's receiver (target: host:port, for the per-receiver limit; rows queued before
# this migration get their URL's authority as written), the in-flight leases counted per target, and why each attempt
# ended (ok, too large, status N, deadline, refused, unreachable, broken; older attempts classified from their record).
DELIVERY_QUEUE = """
ALTER TABLE deliveries ADD COLUMN target TEXT NOT NULL DEFAULT '';
UPDATE deliveries SET target = lower(substr(substr(url, instr(url, '://') + 3), 1,
    instr(substr(url, instr(url, '://') + 3) || '/', '/') - 1));
CREATE INDEX deliveries_in_flight ON deliveries(target, lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX deliveries_webhook ON deliveries(webhook_id) WHERE state = 'pending';
CREATE INDEX deliveries_client ON deliveries(client_id) WHERE state = 'pending';
ALTER TABLE delivery_attempts ADD COLUMN ended TEXT;
UPDATE delivery_attempts SET ended = CASE
    WHEN status BETWEEN 200 AND 299 THEN 'ok'
    WHEN status IS NOT NULL THEN 'status ' || status
    WHEN error LIKE 'refused:%' THEN 'refused'
    WHEN error LIKE '%Timeout%' THEN 'deadline'
    ELSE 'unreachable' END;
"""

# A message is a room's or a private chat's, never both: each history index holds only the messages of its kind, so a
# send writes one index page fewer (a room notification wrote an entry with chat NULL). Reads name the room or the chat
# with "=", which tells SQLite the column is not NULL, so they use these as before.
PARTIAL_HISTORY_INDEXES = """
DROP INDEX messages_room;
CREATE INDEX messages_room ON messages(room_id, ts, seq) WHERE room_id IS NOT NULL;
DROP INDEX messages_chat;
CREATE INDEX messages_chat ON messages(chat, ts, seq) WHERE chat IS NOT NULL;
"""

MIGRATIONS: list[str] = [INITIAL, ADMIN_CREDENTIALS, INSTALLATIONS, CONSENT, FAULTS, DELIVERY_QUEUE, PARTIAL_HISTORY_INDEXES]
