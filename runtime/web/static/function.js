// A function's page: the form, the Test button (a call through this runtime) and the export panel.
(function () {
  "use strict";

  const root = document.getElementById("try");
  const form = document.getElementById("call-form");
  const fields = Array.from(form.querySelectorAll(".field[data-arg]"));
  const callUrl = root.dataset.callUrl;
  const storageKey = (name) => `${root.dataset.package.toLowerCase()}-package.secret.${name}`;

  // ---- reading the form -------------------------------------------------------------------------

  function jsonValue(text) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, error: error.message };
    }
  }

  // {args, files}: args leaves out empty inputs; a chosen file travels as a part (or "@name" in a snippet).
  function collect(forSnippet) {
    const args = {};
    const files = {};
    for (const field of fields) {
      const name = field.dataset.arg;
      const kind = field.dataset.kind;
      const control = field.querySelector(`#${CSS.escape("arg-" + name)}`);
      if (kind === "boolean") {
        const state = field.querySelector(".tristate").dataset.state;
        if (state !== "unset") args[name] = state === "true";
      } else if (kind === "number") {
        const raw = control.value.trim();
        if (raw !== "") args[name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
      } else if (kind === "json") {
        const raw = control.value.trim();
        if (raw !== "") {
          const parsed = jsonValue(raw);
          args[name] = parsed.ok ? parsed.value : raw; // the runtime answers with the precise validation error
        }
      } else if (kind === "file") {
        const chosen = control.files && control.files[0];
        const typed = field.querySelector(".file-url").value.trim();
        if (chosen) {
          if (forSnippet) args[name] = `@${chosen.name}`;
          else files[name] = chosen;
        } else if (typed !== "") {
          args[name] = typed;
        }
      } else if (kind === "secret") {
        if (!forSnippet && control.value !== "") args[name] = control.value;
      } else if (control.value !== "") {
        args[name] = control.value;
      }
    }
    return { args, files };
  }

  // Required arguments the form leaves empty. For a snippet the secrets do not count: it reads them from the
  // environment. Conditional requirements (requiresWhen) are the runtime's to tell.
  function missingRequired(forSnippet) {
    const { args, files } = collect(forSnippet);
    return fields.filter((field) => {
      const name = field.dataset.arg;
      if (!("required" in field.dataset) || (forSnippet && field.dataset.kind === "secret")) return false;
      return !(name in args) && !(name in files);
    });
  }

  const formError = document.getElementById("form-error");

  function markMissing(field, missing) {
    const control = field.querySelector(`#${CSS.escape("arg-" + field.dataset.arg)}`);
    const message = field.querySelector(".field-error");
    field.classList.toggle("is-missing", missing);
    message.hidden = !missing;
    message.textContent = missing ? `${field.dataset.arg} is required.` : "";
    if (missing) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", message.id);
    } else {
      control.removeAttribute("aria-invalid");
      control.removeAttribute("aria-describedby");
    }
  }

  // Before a call: each required field left empty is marked (aria-invalid and a message under it); true when none is.
  function checkRequired() {
    const missing = missingRequired(false);
    for (const field of fields) if ("required" in field.dataset) markMissing(field, missing.includes(field));
    formError.hidden = missing.length === 0;
    formError.textContent = missing.length ? `Fill in the required ${missing.length === 1 ? "argument" : "arguments"}: ${missing.map((field) => field.dataset.arg).join(", ")}.` : "";
    if (missing.length) missing[0].querySelector(`#${CSS.escape("arg-" + missing[0].dataset.arg)}`).focus();
    return missing.length === 0;
  }

  // A marked field is unmarked as soon as it holds a value.
  function recheckMarked() {
    const missing = missingRequired(false);
    for (const field of fields) if (field.classList.contains("is-missing") && !missing.includes(field)) markMissing(field, false);
    if (!fields.some((field) => field.classList.contains("is-missing"))) formError.hidden = true;
  }

  // ---- controls -----------------------------------------------------------------------------------

  function setTristate(box, state) {
    box.dataset.state = state;
    const checkbox = box.querySelector("input");
    checkbox.checked = state === "true";
    checkbox.indeterminate = state === "unset";
    box.querySelector(".tristate-label").textContent = state === "unset" ? "not sent" : state;
    box.querySelector(".unset").hidden = state === "unset";
  }

  function checkJson(field) {
    const editor = field.querySelector("textarea");
    const status = field.querySelector(".json-status");
    const raw = editor.value.trim();
    field.classList.remove("json-valid", "json-invalid");
    if (raw === "") {
      status.textContent = "";
      return;
    }
    const parsed = jsonValue(raw);
    const wantsArray = field.dataset.type === "Array";
    if (!parsed.ok) {
      field.classList.add("json-invalid");
      status.textContent = `Not valid JSON: ${parsed.error}`;
    } else if (wantsArray && !Array.isArray(parsed.value)) {
      field.classList.add("json-invalid");
      status.textContent = "Valid JSON, but this argument takes an array.";
    } else if (field.dataset.type === "JSON" && (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value))) {
      field.classList.add("json-invalid");
      status.textContent = "Valid JSON, but this argument takes an object.";
    } else {
      field.classList.add("json-valid");
      status.textContent = wantsArray ? `Valid JSON array (${parsed.value.length} item${parsed.value.length === 1 ? "" : "s"})` : "Valid JSON object";
    }
  }

  function useExample(field) {
    const example = field.dataset.example;
    const kind = field.dataset.kind;
    if (kind === "boolean") {
      setTristate(field.querySelector(".tristate"), example === "true" ? "true" : "false");
    } else {
      const control = field.querySelector(`#${CSS.escape("arg-" + field.dataset.arg)}`);
      control.value = example;
      if (kind === "json") checkJson(field);
    }
    formChanged();
  }

  for (const field of fields) {
    const kind = field.dataset.kind;
    const example = field.querySelector(".use-example");
    if (example) example.addEventListener("click", () => useExample(field));
    if (kind === "boolean") {
      const box = field.querySelector(".tristate");
      setTristate(box, "unset");
      box.querySelector("input").addEventListener("change", (event) => setTristate(box, event.target.checked ? "true" : "false"));
      box.querySelector(".unset").addEventListener("click", () => {
        setTristate(box, "unset");
        formChanged();
      });
    } else if (kind === "json") {
      field.querySelector("textarea").addEventListener("input", () => checkJson(field));
    } else if (kind === "secret") {
      const input = field.querySelector("input[type=password]");
      const remember = field.querySelector("[data-remember]");
      const key = storageKey(field.dataset.arg);
      const stored = window.sessionStorage.getItem(key);
      if (stored !== null) {
        input.value = stored;
        remember.checked = true;
      }
      const save = () => {
        if (remember.checked) window.sessionStorage.setItem(key, input.value);
        else window.sessionStorage.removeItem(key);
      };
      input.addEventListener("input", save);
      remember.addEventListener("change", save);
    } else if (kind === "file") {
      const picker = field.querySelector("input[type=file]");
      const typed = field.querySelector(".file-url");
      picker.addEventListener("change", () => {
        if (picker.files.length) typed.value = "";
      });
      typed.addEventListener("input", () => {
        if (typed.value) picker.value = "";
      });
    }
  }

  document.getElementById("clear-form").addEventListener("click", () => {
    for (const field of fields) {
      if (field.dataset.kind === "secret") continue; // the token stays; "remember" governs it
      if (field.dataset.kind === "boolean") setTristate(field.querySelector(".tristate"), "unset");
      for (const control of field.querySelectorAll("input:not([type=checkbox]), textarea, select")) control.value = "";
      field.classList.remove("json-valid", "json-invalid");
      const status = field.querySelector(".json-status");
      if (status) status.textContent = "";
      if ("required" in field.dataset) markMissing(field, false);
    }
    formError.hidden = true;
    formChanged();
  });

  // ---- the Test button --------------------------------------------------------------------------

  const result = document.getElementById("result");
  const statusBox = document.getElementById("result-status");
  const timeBox = document.getElementById("result-time");
  const callbackBox = document.getElementById("result-callback");
  const envelopeBox = document.getElementById("result-envelope");
  const rateBox = document.getElementById("result-ratelimit");
  const testButton = document.getElementById("test-button");

  function requestFor(args, files) {
    const names = Object.keys(files);
    if (names.length === 0) {
      return { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ args }) };
    }
    const body = new FormData();
    body.append("args", JSON.stringify(args));
    for (const name of names) body.append(name, files[name], files[name].name);
    return { method: "POST", body };
  }

  // The upstream's limits, passed back by the runtime; a reset (Unix time) is shown as a local time and a countdown.
  const LIMIT_HEADERS = ["x-ratelimit-", "x-floodcontrol-"];
  let resetTimer = null;

  function untilReset(detail) {
    const seconds = Math.round(Number(detail.dataset.reset) - Date.now() / 1000);
    detail.querySelector(".reset-when").textContent = seconds >= 0 ? ` (in ${seconds} s)` : ` (${-seconds} s ago)`;
  }

  function resetDetail(value) {
    const detail = document.createElement("dd");
    const when = new Date(Number(value) * 1000);
    const time = document.createElement("time");
    time.dateTime = when.toISOString();
    time.title = `Unix time ${value}`;
    time.textContent = when.toLocaleTimeString();
    const countdown = document.createElement("span");
    countdown.className = "reset-when";
    detail.dataset.reset = value;
    detail.append(time, countdown);
    untilReset(detail);
    return detail;
  }

  function showRateLimit(headers) {
    rateBox.replaceChildren();
    window.clearInterval(resetTimer);
    for (const [name, value] of headers.entries()) {
      const lower = name.toLowerCase();
      if (!LIMIT_HEADERS.some((prefix) => lower.startsWith(prefix))) continue;
      const term = document.createElement("dt");
      term.textContent = name;
      let detail;
      if (lower.endsWith("-reset") && /^\d+$/.test(value.trim())) {
        detail = resetDetail(value.trim());
      } else {
        detail = document.createElement("dd");
        detail.textContent = value;
      }
      rateBox.append(term, detail);
    }
    const resets = Array.from(rateBox.querySelectorAll("dd[data-reset]"));
    if (resets.length) resetTimer = window.setInterval(() => resets.forEach(untilReset), 1000);
    rateBox.hidden = rateBox.childElementCount === 0;
  }

  async function test(event) {
    event.preventDefault();
    if (!checkRequired()) return; // nothing is sent while a required argument is empty
    const { args, files } = collect(false);
    testButton.disabled = true;
    testButton.textContent = "Testing…";
    const started = performance.now();
    try {
      const response = await fetch(callUrl, requestFor(args, files));
      const text = await response.text();
      const elapsed = performance.now() - started;
      let body = null;
      try {
        body = JSON.parse(text);
      } catch (error) {
        body = null;
      }
      const success = response.ok && body && body.callback === "success";
      result.hidden = false;
      result.classList.toggle("is-success", Boolean(success));
      result.classList.toggle("is-error", !success);
      statusBox.textContent = `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""}`;
      timeBox.textContent = `${elapsed.toFixed(0)} ms`;
      callbackBox.textContent = body && body.callback ? `callback: ${body.callback}` : "";
      envelopeBox.textContent = body ? JSON.stringify(body, null, 2) : text;
      showRateLimit(response.headers);
    } catch (error) {
      result.hidden = false;
      result.classList.remove("is-success");
      result.classList.add("is-error");
      statusBox.textContent = "No answer";
      timeBox.textContent = `${(performance.now() - started).toFixed(0)} ms`;
      callbackBox.textContent = "";
      envelopeBox.textContent = String(error);
      rateBox.hidden = true;
    } finally {
      testButton.disabled = false;
      testButton.textContent = "Test";
    }
  }

  form.addEventListener("submit", test);

  // ---- the export panel --------------------------------------------------------------------------

  const snippet = document.getElementById("snippet");
  const snippetCode = snippet.querySelector("code");
  const tabs = Array.from(document.querySelectorAll("[role=tab][data-language]"));
  const copyButton = document.getElementById("copy-snippet");
  let language = (tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0]).dataset.language;
  let pending = 0;
  let timer = null;

  const snippetNote = document.getElementById("snippet-note");

  function reasonOf(text) {
    try {
      return JSON.parse(text).contextWrites.to.status_msg || text;
    } catch (error) {
      return text;
    }
  }

  // One block per source line, so that a line too long for the panel wraps with a hanging indent; the text (and what
  // Copy takes) stays exactly the snippet's.
  function showCode(text) {
    const lines = text.split(/(?<=\n)/);
    snippetCode.replaceChildren(
      ...lines.map((line) => {
        const block = document.createElement("span");
        block.className = "line";
        block.textContent = line;
        return block;
      }),
    );
  }

  // The snippet of the form's call; while the form cannot make a valid call, the catalog's example call and why.
  // A form that leaves a required argument empty (a fresh page) is not sent: the example is asked for at once.
  async function loadSnippet() {
    const ticket = ++pending;
    const { args } = collect(true);
    const missing = missingRequired(true).map((field) => field.dataset.arg);
    const url = snippet.dataset.snippetUrl + encodeURIComponent(language);
    snippet.classList.add("loading");
    try {
      let text = "";
      let ok = false;
      let note = missing.length ? `Required: ${missing.join(", ")}. Until then, this is the example call.` : "";
      if (!missing.length) {
        const response = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "text/plain" },
          body: JSON.stringify({ args }),
        });
        text = await response.text();
        ok = response.ok;
        if (!ok && response.status < 500) note = `${reasonOf(text)} Until then, this is the example call.`;
      }
      if (note) {
        const example = await fetch(url, { headers: { Accept: "text/plain" } });
        ok = example.ok;
        text = await example.text();
      }
      if (ticket !== pending) return; // a newer request is on its way
      snippet.classList.toggle("snippet-error", !ok);
      snippet.classList.toggle("snippet-example", ok && note !== "");
      showCode(ok ? text : `The snippet could not be made: ${reasonOf(text)}`);
      snippetNote.textContent = note;
      snippetNote.hidden = note === "";
      snippet.dataset.language = language;
      snippet.dataset.source = note ? "example" : "form";
    } catch (error) {
      if (ticket === pending) showCode(`The snippet could not be made: ${error}`);
    } finally {
      if (ticket === pending) snippet.classList.remove("loading");
    }
  }

  function formChanged() {
    window.clearTimeout(timer);
    timer = window.setTimeout(loadSnippet, 300);
  }

  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      for (const other of tabs) other.setAttribute("aria-selected", other === tab ? "true" : "false");
      language = tab.dataset.language;
      loadSnippet();
    });
  }
  form.addEventListener("input", formChanged);
  form.addEventListener("change", formChanged);
  form.addEventListener("input", recheckMarked);
  form.addEventListener("change", recheckMarked);

  function copyFallback(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }

  copyButton.addEventListener("click", async () => {
    const text = snippetCode.textContent;
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        copied = true;
      }
    } catch (error) {
      copied = false;
    }
    if (!copied) copied = copyFallback(text);
    copyButton.textContent = copied ? "Copied" : "Copy failed";
    window.setTimeout(() => (copyButton.textContent = "Copy"), 1500);
  });

  loadSnippet();
})();
