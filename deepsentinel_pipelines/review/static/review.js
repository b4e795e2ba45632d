// DeepSentinel review: the timeline's player, filters and keys. No framework, no outside code.
"use strict";

// The ask page's evidence: a cited event's frame, swapped for its clip when asked to play.
for (const card of document.querySelectorAll(".event-card")) {
  const button = card.querySelector(".play");
  const video = card.querySelector(".clip");
  if (!button || !video) continue;
  button.addEventListener("click", () => {
    const frame = card.querySelector(".frame");
    if (frame) frame.hidden = true;
    button.hidden = true;
    video.hidden = false;
    if (!video.src) video.src = video.dataset.src;
    video.play().catch(() => {});
  });
}

(() => {
  const events = [...document.querySelectorAll("#events .event")];
  if (!events.length) return;
  const markers = new Map(
    [...document.querySelectorAll(".marker")].map((m) => [m.dataset.event, m]));
  const byId = new Map(events.map((e) => [e.dataset.event, e]));
  const player = document.getElementById("player");
  const clip = document.getElementById("clip");
  const frame = document.getElementById("frame");
  const caption = document.getElementById("caption");
  const filters = document.getElementById("filters");
  let selected = null;

  // "01:05", "1:02:03", "14:00:15" or plain seconds; null when empty or unreadable.
  const seconds = (text) => {
    const t = (text || "").trim();
    if (!t) return null;
    if (!/^[\d:.]+$/.test(t)) return null;
    return t.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  };

  const visible = (e) => !e.hidden;

  function select(id, play = true) {
    const item = byId.get(String(id));
    if (!item) return;
    if (selected) {
      selected.classList.remove("selected");
      const old = markers.get(selected.dataset.event);
      if (old) old.classList.remove("selected");
    }
    selected = item;
    item.classList.add("selected");
    const marker = markers.get(item.dataset.event);
    if (marker) marker.classList.add("selected");
    player.hidden = false;
    caption.textContent = item.querySelector("button").textContent.replace(/\s+/g, " ").trim();
    if (item.dataset.highlight) {
      frame.hidden = false;
      frame.src = item.dataset.highlight;
      frame.alt = "frame of event " + item.dataset.event;
    } else {
      frame.hidden = true;
      frame.removeAttribute("src");
    }
    if (item.dataset.clip) {
      clip.hidden = false;
      clip.src = item.dataset.clip;
      if (play) clip.play().catch(() => {});
    } else {
      clip.pause();
      clip.hidden = true;
      clip.removeAttribute("src");
    }
    item.scrollIntoView({ block: "nearest" });
    if (window.innerWidth < 980) player.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "#e" + item.dataset.event);
  }

  function step(direction) {
    const shown = events.filter(visible);
    if (!shown.length) return;
    const at = selected ? shown.indexOf(selected) : -1;
    const next = at < 0 ? (direction > 0 ? 0 : shown.length - 1) : at + direction;
    if (next >= 0 && next < shown.length) select(shown[next].dataset.event);
  }

  function applyFilters() {
    const data = new FormData(filters);
    const types = new Set(data.getAll("type"));
    const zone = data.get("zone");
    const person = data.get("person");
    const clipsOnly = data.get("clips") === "1";
    const readTime = (text) => {
      const s = seconds(text);
      if (s === null) return null;
      // A clock time (14:00:15) is compared with each event's clock time, an offset with its offset.
      return s;
    };
    const from = readTime(data.get("from"));
    const to = readTime(data.get("to"));
    for (const e of events) {
      const when = seconds(e.dataset.clock) ?? seconds(e.dataset.offset);
      const show =
        types.has(e.dataset.type) &&
        (!zone || e.dataset.zone === zone) &&
        (!person || e.dataset.person === person) &&
        (!clipsOnly || Boolean(e.dataset.clip)) &&
        (from === null || when >= from) &&
        (to === null || when <= to);
      e.hidden = !show;
      const marker = markers.get(e.dataset.event);
      if (marker) marker.hidden = !show;
    }
  }

  for (const [id, marker] of markers) marker.addEventListener("click", () => select(id));
  for (const e of events) e.querySelector("button").addEventListener("click", () => select(e.dataset.event));
  filters.addEventListener("input", applyFilters);
  filters.addEventListener("submit", (ev) => ev.preventDefault());
  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, select, textarea") || ev.metaKey || ev.ctrlKey || ev.altKey) return;
    if (ev.key === "j") step(1);
    else if (ev.key === "k") step(-1);
    else if (ev.key === " " && selected && selected.dataset.clip) {
      ev.preventDefault();
      if (clip.paused) clip.play().catch(() => {}); else clip.pause();
    }
  });
  applyFilters();
  const wanted = location.hash.match(/^#e(\d+)$/);
  if (wanted) select(wanted[1], false);
})();
