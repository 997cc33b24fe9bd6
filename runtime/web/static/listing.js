// The listing: the search box filters the function cards as one types; the logo falls back to an initial.
(function () {
  "use strict";

  const search = document.getElementById("search");
  const count = document.getElementById("search-count");
  const empty = document.getElementById("no-results");
  const cards = Array.from(document.querySelectorAll(".card[data-search]"));
  const groups = Array.from(document.querySelectorAll("section.group"));
  const total = cards.length;

  function filter() {
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const card of cards) {
      const text = card.dataset.search;
      const match = terms.every((term) => text.includes(term));
      card.hidden = !match;
      if (match) shown += 1;
    }
    for (const group of groups) {
      const visible = group.querySelectorAll(".card:not([hidden])").length;
      group.hidden = visible === 0;
      const badge = group.querySelector("h2 .count");
      if (badge) badge.textContent = terms.length ? `${visible} of ${badge.dataset.total}` : badge.dataset.total;
      const link = document.querySelector(`[data-group-link="${group.id}"]`);
      if (link) link.classList.toggle("dimmed", visible === 0);
    }
    count.textContent = terms.length ? `${shown} of ${total} functions` : `${total} functions`;
    empty.hidden = shown !== 0;
    const url = new URL(window.location.href);
    if (search.value) url.searchParams.set("q", search.value);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  search.addEventListener("input", filter);
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = cards.find((card) => !card.hidden);
      if (first) first.querySelector("a").click();
    } else if (event.key === "Escape") {
      search.value = "";
      filter();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== search) {
      event.preventDefault();
      search.focus();
    }
  });

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    search.value = initial;
    filter();
  }

  const logo = document.querySelector(".logo img");
  if (logo) {
    const fallBack = () => logo.parentElement.classList.add("no-image");
    logo.addEventListener("error", fallBack);
    if (logo.complete && logo.naturalWidth === 0) fallBack();
  } else {
    const box = document.querySelector(".logo");
    if (box) box.classList.add("no-image");
  }
})();
