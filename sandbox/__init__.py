"""A HipChat-v2-compatible server for local use: the runtime's default upstream, with demo data.

Where the references left a point open, the sandbox decided (and the tests pin it down):
- history: start-index counts back from the newest message at or before `date` (default: now); `reverse` (default
  true) puts a page oldest first; `date=recent` is the latest 75 without paging; `end-date` bounds the other end.
- a list's `links.self` is the list without its query; `next`/`prev` carry start-index and max-results.
- 409 "Another room exists with that name." (room names are unique without case); 409 for a taken email or
  mention name too. A missing field is 400 with validation "optional", the value HipChat itself answered.
- JSON null, and "" for a new user's mention_name or password, mean "not given" (hypchat sends both).
- webhooks made with a user token have no OAuth secret, so they go unsigned even when they ask for jwt; replies to
  room_notification events are not posted (a bot would answer itself). Webhooks made by add-on tokens carry
  oauth_client_id and are signed with the add-on's secret.
- users: deletion keeps the user readable by id (is_deleted) and removes it from lists, rooms and sessions;
  creating a user with a deleted user's email brings that user back. Inviting a user to a room puts the room in
  their auto-join list, since nobody is there to accept.
- integration links: ttl in seconds, target an http(s) URL, invoking answers 302 to it.
- /users/authorize shows a consent page: a user signed in there approves or denies; a code only after approval, for
  a registered redirect URL only (sandbox.model.authcodes).
- add-ons are installed from their descriptor the server-side way, one installation (OAuth client) per add-on and
  place, a second one there a 409; the rules and their sources are in sandbox.model.installations and
  sandbox.model.descriptor.
"""
