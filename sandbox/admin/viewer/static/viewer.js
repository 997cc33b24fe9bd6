// The room viewer: the room list and one room's history, polled every couple of seconds without reloading; posting as
// one of the sandbox's users; the Add-ons page (install from a descriptor URL, what each installation declared, uninstall).
// Every text goes into the page as text; only the server-sanitized safe_html parts are set as HTML.
(function () {
  "use strict";

  const body = document.body;
  const POLL_MS = Number(body.dataset.pollMs) || 2000;
  const COLORS = ["yellow", "green", "red", "purple", "gray"];
  const LOZENGES = ["lozenge", "lozenge-success", "lozenge-error", "lozenge-current", "lozenge-complete", "lozenge-moved"];
  const CARD_STYLES = ["file", "image", "application", "link", "media"];

  // ---- small DOM helpers ----------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string" || value === "") return null;
    try {
      const url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(url, className, text) {
    const href = safeUrl(url);
    const node = el(href ? "a" : "span", className, text);
    if (href) {
      node.href = href;
      node.target = "_blank";
      node.rel = "noopener noreferrer";
    }
    return node;
  }

  function image(url, className, alt) {
    const src = /^data:image\/(png|gif|jpeg|webp);/i.test(String(url)) ? url : safeUrl(url); // never data:image/svg+xml

    if (!src) return null;
    const node = el("img", className);
    node.src = src;
    node.alt = alt || "";
    node.loading = "lazy";
    node.referrerPolicy = "no-referrer";
    node.addEventListener("error", () => node.classList.add("broken"));
    return node;
  }

  function sanitizedHtml(className, html) {
    const node = el("div", className);
    node.innerHTML = html; // sanitized by the server (sandbox/viewer/sanitize.py) to HipChat's allowed tags
    for (const anchor of node.querySelectorAll("a[href]")) anchor.target = "_blank";
    for (const img of node.querySelectorAll("img")) img.addEventListener("error", () => img.classList.add("broken"));
    return node;
  }

  function initials(name) {
    const words = String(name || "?").trim().split(/\s+/).filter(Boolean);
    return (words.length > 1 ? words[0][0] + words[1][0] : (words[0] || "?").slice(0, 2)).toUpperCase();
  }

  function hue(name) {
    let hash = 0;
    for (const char of String(name)) hash = (hash * 31 + char.charCodeAt(0)) % 360;
    return hash;
  }

  function when(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? { short: "", full: iso || "" } : { short: date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), full: date.toLocaleString() };
  }

  function extension(name) {
    const match = /\.([a-z0-9]{1,5})$/i.exec(String(name || "").split(/[?#]/)[0]);
    return match ? match[1].toUpperCase() : "FILE";
  }

  function humanSize(bytes) {
    if (typeof bytes !== "number") return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  // ---- signing in: the session comes from a one-time login link, and travels as a bearer token, never a cookie -----

  const SESSION_KEY = "hipchat-sandbox-viewer-session";

  function session() {
    try {
      return window.localStorage.getItem(SESSION_KEY);
    } catch (error) {
      return null;
    }
  }

  function loginCode(text) {
    const match = /[#&]login=([^&\s]+)/.exec(String(text));
    return match ? decodeURIComponent(match[1]) : String(text).trim();
  }

  async function signIn(code) {
    const response = await fetch(body.dataset.loginUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code }),
      cache: "no-store",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((data.error && data.error.message) || `HTTP ${response.status}`);
    window.localStorage.setItem(SESSION_KEY, data.token);
  }

  async function signInFromLink() {
    if (!/[#&]login=/.test(window.location.hash)) return;
    const code = loginCode(window.location.hash);
    window.history.replaceState(null, "", window.location.pathname + window.location.search); // the code leaves the address bar
    try {
      await signIn(code);
    } catch (error) {
      showSignIn(error.message);
    }
  }

  function showSignIn(message) {
    const form = document.getElementById("sign-in");
    if (!form.hidden && !message) return;
    form.hidden = false;
    for (const node of document.querySelectorAll("main > :not(#sign-in)")) node.hidden = true;
    const problem = document.getElementById("sign-in-error");
    problem.textContent = message || "";
    problem.hidden = !message;
    setLive(false, "signed out");
  }

  document.getElementById("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await signIn(loginCode(document.getElementById("sign-in-code").value));
      window.location.reload();
    } catch (error) {
      showSignIn(error.message);
    }
  });

  async function getJson(url) {
    const headers = { Accept: "application/json" };
    if (session()) headers.Authorization = `Bearer ${session()}`;
    const response = await fetch(url, { headers, cache: "no-store" });
    if (!response.ok) {
      const error = new Error(`HTTP ${response.status}`);
      error.status = response.status;
      if (response.status === 401) showSignIn();
      throw error;
    }
    return response.json();
  }

  async function sendJson(method, url, payload) {
    const headers = { Accept: "application/json" };
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    if (session()) headers.Authorization = `Bearer ${session()}`;
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const response = await fetch(url, { method, headers, body, cache: "no-store" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      if (response.status === 401) showSignIn();
      throw error;
    }
    return data;
  }

  function showError(id, error) {
    const node = document.getElementById(id);
    node.textContent = error ? error.message : "";
    node.hidden = !error;
  }

  function setLive(ok, text) {
    const live = document.getElementById("live");
    if (!live) return;
    live.classList.toggle("live-ok", ok);
    live.classList.toggle("live-error", !ok);
    live.textContent = text;
  }

  // ---- rooms (the sidebar on every page, the list on /_sandbox/) --------------------------------

  function roomHref(id) {
    return body.dataset.roomPage + encodeURIComponent(id);
  }

  function renderRooms(rooms) {
    const current = document.getElementById("room") ? document.getElementById("room").dataset.roomId : null;
    const nav = document.getElementById("room-nav");
    nav.replaceChildren(
      ...rooms.map((room) => {
        const item = el("li", String(room.id) === current ? "current" : "");
        const anchor = link(roomHref(room.id), "room-nav-link", room.name);
        anchor.removeAttribute("target");
        anchor.append(el("span", "room-nav-count", room.messages_sent));
        item.append(anchor);
        return item;
      }),
    );
    renderRoomSelect(rooms, current);
    const list = document.getElementById("room-list");
    if (!list) return;
    list.replaceChildren(
      ...rooms.map((room) => {
        const item = el("li", "room-card");
        item.dataset.roomId = room.id;
        const anchor = link(roomHref(room.id), "room-card-link");
        anchor.removeAttribute("target");
        const head = el("div", "room-card-head");
        head.append(el("span", "room-card-name", room.name), el("span", "badge", room.privacy));
        if (room.is_archived) head.append(el("span", "badge badge-archived", "archived"));
        anchor.append(head, el("p", "room-card-topic", room.topic || "No topic"));
        const last = room.last_active ? `last active ${when(room.last_active).full}` : "no activity yet";
        anchor.append(el("p", "room-card-meta", `${room.messages_sent} message${room.messages_sent === 1 ? "" : "s"} · ${last}`));
        item.append(anchor);
        return item;
      }),
    );
    document.getElementById("no-rooms").hidden = rooms.length !== 0;
  }

  // On a phone the sidebar gives way to a bar with a room select: rebuilt only when the rooms change, so that a poll
  // never closes the list under the user's finger.
  const roomSelect = document.getElementById("room-select");
  let roomOptions = "";

  function renderRoomSelect(rooms, current) {
    const wanted = JSON.stringify(rooms.map((room) => [room.id, room.name]));
    if (wanted !== roomOptions) {
      roomOptions = wanted;
      const all = roomSelect.options[0];
      roomSelect.replaceChildren(
        all,
        ...rooms.map((room) => {
          const option = el("option", "", room.name);
          option.value = room.id;
          return option;
        }),
      );
    }
    roomSelect.value = current !== null && rooms.some((room) => String(room.id) === current) ? current : "";
  }

  roomSelect.addEventListener("change", () => {
    window.location.assign(roomSelect.value ? roomHref(roomSelect.value) : roomSelect.dataset.allRooms);
  });

  // The faults injected into /v2 that still act (POST /_sandbox/api/faults), in the sidebar of every page.
  function faultText(fault) {
    const where = fault.path || `~ ${fault.pattern}`;
    const effects = [];
    if (fault.delay_ms) effects.push(`delay ${fault.delay_ms} ms`);
    if (fault.status) effects.push(`HTTP ${fault.status}`);
    if (fault.close) effects.push("connection dropped");
    const only = [fault.token_kind && `${fault.token_kind} tokens`, fault.addon && `add-on ${fault.addon}`].filter(Boolean);
    const left = fault.times === null ? "until removed" : `${fault.times - fault.hits} of ${fault.times} left`;
    return `${fault.method || "any"} ${where}${only.length ? ` (${only.join(", ")})` : ""} → ${effects.join(", ")} · ${fault.hits} hit${fault.hits === 1 ? "" : "s"}, ${left}`;
  }

  function renderFaults(faults) {
    const active = faults.filter((fault) => fault.active);
    document.getElementById("fault-list").replaceChildren(
      ...active.map((fault) => {
        const item = el("li", "fault", faultText(fault));
        item.dataset.faultId = fault.id;
        return item;
      }),
    );
    document.getElementById("fault-box").hidden = active.length === 0;
  }

  async function pollRooms() {
    try {
      renderFaults((await getJson(body.dataset.faultsUrl)).items);
      const data = await getJson(body.dataset.roomsUrl);
      renderRooms(data.items.slice().sort((a, b) => a.name.localeCompare(b.name)));
      if (!document.getElementById("room")) setLive(true, `live · ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      if (error.status === 401) return;
      if (!document.getElementById("room")) setLive(false, "reconnecting…");
    }
    window.setTimeout(pollRooms, POLL_MS);
  }

  // ---- one message -------------------------------------------------------------------------------

  const TEXT_TOKENS = /(https?:\/\/[^\s<>"']+)|(@\w+)/g;

  // Plain text as HipChat showed it: links clickable, @mentions of real users highlighted.
  function textBody(text, mentions) {
    const node = el("div", "message-text");
    const known = new Set((mentions || []).map((user) => `@${String(user.mention_name || "").toLowerCase()}`));
    let last = 0;
    for (const match of String(text).matchAll(TEXT_TOKENS)) {
      node.append(document.createTextNode(text.slice(last, match.index)));
      if (match[1]) node.append(link(match[1], "", match[1]));
      else node.append(el("span", known.has(match[2].toLowerCase()) ? "mention" : "", match[2]));
      last = match.index + match[0].length;
    }
    node.append(document.createTextNode(text.slice(last)));
    return node;
  }

  function lozenge(value) {
    const style = LOZENGES.includes(value && value.style) ? value.style : "lozenge";
    const node = link(value && value.url, `lozenge ${style}`);
    const icon = value && value.icon && image(value.icon.url || value.icon, "lozenge-icon");
    if (icon) node.append(icon);
    node.append(document.createTextNode(value ? value.label || "" : ""));
    return node;
  }

  function cardNode(card, safe, fallback) {
    const style = CARD_STYLES.includes(card.style) ? card.style : "application";
    const format = card.format === "compact" ? "compact" : "medium";
    const node = el("div", `card card-${style} card-format-${format}`);
    node.dataset.cardStyle = style;
    if (fallback) node.title = fallback;

    if (safe.card_activity) {
      const activity = el("div", "card-activity");
      const icon = card.activity.icon && image(card.activity.icon.url || card.activity.icon, "card-activity-icon");
      if (icon) activity.append(icon);
      activity.append(sanitizedHtml("card-activity-html", safe.card_activity));
      node.append(activity);
    }

    const thumbnail = card.thumbnail && image(card.thumbnail.url, "card-thumbnail", card.title);
    const main = el("div", "card-main");
    const icon = card.icon && image(card.icon.url || card.icon, "card-icon");
    if (style === "file") main.append(el("span", "file-badge", extension(card.title || card.url)));
    else if (icon) main.append(icon);

    const text = el("div", "card-body");
    text.append(link(card.url, "card-title", card.title || ""));
    if (style === "link" && safeUrl(card.url)) text.append(el("div", "card-host", new URL(card.url).host));
    const description = card.description;
    if (safe.card_description) text.append(sanitizedHtml("card-description", safe.card_description));
    else if (description && typeof description === "object") text.append(el("div", "card-description", description.value || ""));
    else if (typeof description === "string") text.append(el("div", "card-description", description));

    if (Array.isArray(card.attributes) && card.attributes.length) {
      const list = el("ul", "card-attributes");
      for (const attribute of card.attributes) {
        const item = el("li", "card-attribute");
        if (attribute.label) item.append(el("span", "card-attribute-label", attribute.label));
        item.append(lozenge(attribute.value));
        list.append(item);
      }
      text.append(list);
    }
    main.append(text);

    if (thumbnail && (style === "image" || style === "media")) {
      const frame = el("div", `card-media card-media-${style}`);
      frame.append(thumbnail);
      if (style === "media") frame.append(el("span", "card-play", "▶"));
      node.append(main, frame);
    } else {
      if (thumbnail) main.append(thumbnail);
      node.append(main);
    }
    return node;
  }

  function fileNode(file) {
    const node = el("div", "file");
    const thumb = file.thumb_url && image(file.thumb_url, "file-thumb", file.name);
    if (thumb) {
      const frame = link(file.url, "file-thumb-link");
      frame.append(thumb);
      node.append(frame);
    }
    const line = el("div", "file-line");
    line.append(el("span", "file-badge file-badge-small", extension(file.name)), link(file.url, "file-name", file.name), el("span", "file-size", humanSize(file.size)));
    node.append(line);
    return node;
  }

  function linkNode(found) {
    const node = el("div", `link-preview link-${found.type}`);
    const detail = found[found.type] || {};
    if (found.type === "image") {
      const img = image(detail.image || found.url, "link-image", detail.name);
      if (img) node.append(img);
      node.append(link(found.url, "link-url", detail.name || found.url));
    } else {
      const header = detail.headerText || (safeUrl(found.url) ? new URL(found.url).host : "");
      if (header) node.append(el("div", "link-header", header));
      node.append(link(found.url, "link-title", detail.title || detail.name || detail.text || found.url));
      if (detail.description) node.append(el("div", "link-description", detail.description));
    }
    return node;
  }

  function senderName(item) {
    if (item.from && typeof item.from === "object") return item.from.name || item.from.mention_name || "Someone";
    return item.from || "";
  }

  function messageNode(entry) {
    const item = entry.item;
    const safe = entry.safe_html || {};
    const sender = senderName(item);
    const time = when(item.date);
    const node = el("li", `message message-${item.type}`);
    node.dataset.seq = entry.seq;
    node.dataset.id = item.id;

    if (item.type === "topic" || item.type === "guest_access") {
      node.classList.add("message-system");
      const line = el("div", "system-line");
      if (item.type === "topic") {
        line.append(el("strong", "", sender || "Someone"), document.createTextNode(" changed the topic to "), el("q", "topic-new", item.message));
      } else {
        line.append(el("strong", "", sender || "Someone"), document.createTextNode(` ${item.message || "changed guest access"}`));
      }
      line.append(el("time", "message-time", time.short));
      line.lastChild.title = time.full;
      node.append(line);
      return node;
    }

    const avatar = el("div", "avatar", item.type === "notification" ? "" : initials(sender));
    if (item.type !== "notification") avatar.style.backgroundColor = `hsl(${hue(sender)}, 45%, 45%)`;
    const main = el("div", "message-main");
    const head = el("div", "message-head");
    head.append(el("span", "message-sender", sender || (item.type === "notification" ? "Notification" : "Someone")));
    if (item.from && typeof item.from === "object" && item.from.mention_name) head.append(el("span", "message-mention", `@${item.from.mention_name}`));
    const stamp = el("time", "message-time", time.short);
    stamp.title = time.full;
    stamp.dateTime = item.date || "";
    head.append(stamp);
    main.append(head);

    const content = el("div", "message-content");
    if (item.type === "notification") {
      const color = COLORS.includes(item.color) ? item.color : "yellow";
      node.classList.add(`color-${color}`);
      node.dataset.color = color;
    }
    if (item.card && typeof item.card === "object") {
      content.append(cardNode(item.card, safe, item.message));
    } else if (safe.message) {
      content.append(sanitizedHtml("message-html", safe.message));
    } else if (item.message) {
      content.append(textBody(item.message, item.mentions));
    }
    if (item.file) content.append(fileNode(item.file));
    for (const found of item.message_links || []) content.append(linkNode(found));
    main.append(content);
    node.append(avatar, main);
    return node;
  }

  // ---- one room, followed live -------------------------------------------------------------------

  function followRoom(section) {
    const list = document.getElementById("messages");
    const empty = document.getElementById("no-messages");
    let cursor = null;

    function nearBottom() {
      return list.scrollTop + list.clientHeight >= list.scrollHeight - 120;
    }

    function showRoom(room) {
      section.dataset.roomId = room.id;
      document.getElementById("room-name").textContent = room.name;
      document.getElementById("room-topic").textContent = room.topic;
      document.getElementById("room-privacy").textContent = room.privacy;
      document.getElementById("room-privacy").hidden = false;
      document.getElementById("room-archived").hidden = !room.is_archived;
      document.title = `${room.name} · HipChat sandbox`;
    }

    async function poll() {
      const url = cursor === null ? section.dataset.messagesUrl : `${section.dataset.messagesUrl}?after=${encodeURIComponent(cursor)}`;
      try {
        const data = await getJson(url);
        const stick = cursor === null || nearBottom();
        showRoom(data.room);
        for (const entry of data.items) list.append(messageNode(entry));
        cursor = data.cursor;
        empty.hidden = list.childElementCount !== 0;
        if (stick && data.items.length) list.scrollTop = list.scrollHeight;
        setLive(true, `live · ${new Date().toLocaleTimeString()}`);
      } catch (error) {
        if (error.status === 401) return;
        setLive(false, error.status === 404 ? "no such room" : "reconnecting…");
        if (error.status === 404) {
          document.getElementById("no-room").hidden = false;
          return;
        }
      }
      window.setTimeout(poll, POLL_MS);
    }

    poll();
  }

  // ---- posting as one of the sandbox's users (a message, or a slash command such as /standup hi) ----------------

  async function compose(section) {
    const form = document.getElementById("compose");
    const select = document.getElementById("compose-user");
    const input = document.getElementById("compose-message");
    try {
      const users = (await getJson(body.dataset.usersUrl)).items.filter((user) => !user.is_deleted);
      select.replaceChildren(...users.map((user) => {
        const option = el("option", "", `${user.name} (@${user.mention_name})`);
        option.value = user.id;
        return option;
      }));
      const demo = users.find((user) => user.mention_name !== "admin" && !user.is_guest);
      if (demo) select.value = String(demo.id);
    } catch (error) {
      return;
    }
    form.hidden = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await sendJson("POST", section.dataset.postUrl, { user_id: Number(select.value), message: input.value });
        input.value = "";
        showError("compose-error", null);
      } catch (error) {
        showError("compose-error", error);
      }
    });
  }

  // ---- the Add-ons page --------------------------------------------------------------------------

  function htmlText(html) {
    // Text of pushed glance HTML, parsed inertly (no script runs, no image loads).
    return new DOMParser().parseFromString(String(html || ""), "text/html").body.textContent;
  }

  function nameText(value) {
    return value && typeof value === "object" ? value.value || "" : value || "";
  }

  function extensionNode(ext) {
    const item = el("li", `addon-extension addon-extension-${ext.type}`);
    item.dataset.type = ext.type;
    item.append(el("span", "badge", ext.type), el("span", "addon-extension-key", ext.key));
    const name = nameText(ext.name) || nameText(ext.title);
    if (name) item.append(el("span", "addon-extension-name", name));
    if (ext.type === "webhook") {
      item.append(el("code", "addon-extension-detail", `${ext.event}${ext.pattern ? ` ${ext.pattern}` : ""} → ${ext.url} (${ext.authentication})`));
    }
    if (ext.type === "glance") {
      const label = ext.content && ext.content.label ? htmlText(ext.content.label.value) : "no content pushed yet";
      item.append(el("span", "addon-glance", label));
    }
    if (ext.signed_url) {
      const open = link(ext.signed_url, "addon-open", "open");
      item.append(open);
    }
    return item;
  }

  function deliveriesNode(deliveries) {
    const table = el("table", "addon-deliveries");
    const head = el("tr");
    for (const title of ["event", "state", "attempts", "status", "ended", "took", "outcome", "when"]) head.append(el("th", "", title));
    table.append(head);
    for (const delivery of deliveries) {
      const row = el("tr", `delivery-${delivery.state}`);
      row.append(el("td", "", delivery.event), el("td", "", delivery.state), el("td", "delivery-attempts", String(delivery.attempts)));
      row.append(el("td", "", delivery.status === null ? "" : delivery.status), el("td", "delivery-ended", delivery.ended || ""));
      row.append(el("td", "delivery-took", delivery.duration_ms === null ? "" : `${delivery.duration_ms} ms`));
      row.append(el("td", "", delivery.outcome || ""), el("td", "", when(delivery.created).full));
      table.append(row);
    }
    return table;
  }

  function addonNode(addon, rooms, refresh) {
    const item = el("li", "addon-card");
    item.dataset.addonId = addon.id;
    item.dataset.addonKey = addon.addon_key;
    const head = el("div", "addon-head");
    head.append(el("span", "addon-name", addon.name), el("span", "badge", addon.addon_key));
    const place = addon.room_id === null ? "All rooms (global)" : `Room ${rooms.get(addon.room_id) || addon.room_id}`;
    head.append(el("span", "addon-place", place));
    const remove = el("button", "addon-uninstall", "Uninstall");
    remove.type = "button";
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await sendJson("DELETE", `${body.dataset.addonsUrl}/${encodeURIComponent(addon.id)}`);
        refresh();
      } catch (error) {
        remove.disabled = false;
        showError("install-error", error);
      }
    });
    head.append(remove);
    item.append(head);
    if (addon.description) item.append(el("p", "addon-description", addon.description));
    const meta = el("p", "addon-meta");
    meta.append(el("span", "", `oauthId ${addon.id}`), el("span", "", ` · scopes: ${addon.allowed_scopes.join(", ") || "none"}`));
    if (addon.descriptor_url) meta.append(document.createTextNode(" · "), link(addon.descriptor_url, "", "descriptor"));
    if (addon.configurable) meta.append(document.createTextNode(" · "), link(addon.configurable.signed_url, "addon-configure", "configure"));
    item.append(meta);
    if (addon.extensions.length) {
      const list = el("ul", "addon-extensions");
      list.append(...addon.extensions.map(extensionNode));
      item.append(list);
    }
    if (addon.deliveries.length) item.append(el("h3", "", "Recent deliveries"), deliveriesNode(addon.deliveries));
    return item;
  }

  function addonsPage() {
    const list = document.getElementById("addon-list");
    const roomSelect = document.getElementById("install-room");
    const rooms = new Map();
    let timer = null;

    async function refresh() {
      window.clearTimeout(timer);
      try {
        const data = await getJson(body.dataset.addonsUrl);
        list.replaceChildren(...data.items.map((addon) => addonNode(addon, rooms, refresh)));
        document.getElementById("no-addons").hidden = data.items.length !== 0;
        setLive(true, `live · ${new Date().toLocaleTimeString()}`);
      } catch (error) {
        if (error.status === 401) return;
        setLive(false, "reconnecting…");
      }
      timer = window.setTimeout(refresh, POLL_MS);
    }

    getJson(body.dataset.roomsUrl)
      .then((data) => {
        for (const room of data.items.slice().sort((a, b) => a.name.localeCompare(b.name))) {
          rooms.set(room.id, room.name);
          const option = el("option", "", room.name);
          option.value = room.id;
          roomSelect.append(option);
        }
      })
      .catch(() => {})
      .finally(refresh);

    document.getElementById("install").addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = event.target.querySelector("button");
      const payload = { descriptor_url: document.getElementById("install-url").value.trim() };
      if (roomSelect.value) payload.room_id = Number(roomSelect.value);
      button.disabled = true;
      try {
        await sendJson("POST", body.dataset.addonsUrl, payload);
        showError("install-error", null);
        refresh();
      } catch (error) {
        showError("install-error", error);
      } finally {
        button.disabled = false;
      }
    });
  }

  signInFromLink().then(() => {
    pollRooms();
    const section = document.getElementById("room");
    if (section) {
      followRoom(section);
      compose(section);
    }
    if (document.getElementById("addon-list")) addonsPage();
  });
})();
