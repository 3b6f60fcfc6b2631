// baogao preview: shows the report's pages and keeps them current. The
// server sends the state (pages with the version each page and each of its
// bands last changed at, an error) on every change, with the new bands of
// the pages this tab has in view; a page is fetched again only when its
// version moved, and then only its bands that did, and its box keeps its
// size meanwhile, so nothing jumps.
"use strict";

const pagesEl = document.getElementById("pages");
const counter = document.getElementById("counter");
const banner = document.getElementById("banner");
const bannerText = document.getElementById("banner-text");
const sourceEl = document.getElementById("source");
const lost = document.getElementById("lost");
const token = document.body.dataset.token;
let editor = false;
let count = 0;

// The server cuts each page's picture into this many bands (bands.rs).
const BANDS = 16;
// Pages in or near the view, and pages whose newest drawing is still to
// fetch because they are not.
const near = new Set();
const stale = new Set();
// This tab's name, and the pictures the server sent with the last state
// (drawn for the pages this tab said it has in view), by page, band,
// version and width.
const tab = window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
let pushed = new Map();
const key = (n, k, v, w) => `${n}/${k === null ? "-" : k}/${v}/${w}`;

function apply(state) {
  editor = state.editor;
  showError(state.error);
  const pages = state.pages || [];
  count = pages.length;
  while (pagesEl.children.length > pages.length) {
    const gone = pagesEl.lastElementChild;
    [stale, near, inView].forEach((set) => set.delete(gone));
    [nearness, seen].forEach((observer) => observer.unobserve(gone));
    gone.remove();
  }
  const now = [];
  pages.forEach((p, i) => {
    let el = pagesEl.children[i];
    if (!el) {
      el = document.createElement("div");
      el.className = "page";
      el.id = `page-${i + 1}`;
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", `第 ${i + 1} 页`);
      pagesEl.append(el);
      nearness.observe(el);
      seen.observe(el);
    }
    // Written only when they change: each write makes the next read of a
    // size lay out every page again.
    const size = `${p.w} / ${p.h}`;
    if (el.dataset.size !== size) {
      el.dataset.size = size;
      el.style.aspectRatio = size;
      el.dataset.w = p.w;
      if (pagesEl.classList.contains("actual")) el.style.width = `${(p.w * 96) / 72}px`;
    }
    el.want = p;
    if (el.dataset.v !== String(p.v)) {
      el.dataset.v = String(p.v);
      if (inView.has(el)) now.push(update(el));
      else stale.add(el);
    }
  });
  updateCounter();
  // The other pages are fetched once those in view are on the screen,
  // nearest first: their work (here and in the server) would hold back
  // that frame.
  Promise.all(now).then(drain);
}

// Resolves when the main thread is idle after the next frame.
const afterPaint = () => new Promise((resolve) => {
  requestAnimationFrame(() => {
    if (window.requestIdleCallback) requestIdleCallback(resolve, { timeout: 100 });
    else setTimeout(resolve, 0);
  });
});

// Two at a time, as the server draws two at a time.
let draining = 0;
function drain() {
  while (draining < 2 && stale.size > draining) {
    draining += 1;
    fetchStale().finally(() => { draining -= 1; });
  }
}

async function fetchStale() {
  while (stale.size) {
    const middle = window.innerHeight / 2;
    const distance = (el) => Math.abs(el.getBoundingClientRect().top - middle);
    const next = [...stale].reduce((a, b) => (distance(b) < distance(a) ? b : a));
    stale.delete(next);
    await update(next);
  }
}

// Tells the server which pages this tab shows, and how wide, once the
// reader stops scrolling, so that it sends their pictures with a change.
const inView = new Set();
let viewTimer = 0;
function reportView() {
  clearTimeout(viewTimer);
  viewTimer = setTimeout(() => {
    const pages = [...inView].map((el) => Number(el.id.slice(5))).sort((a, b) => a - b);
    const first = pagesEl.children[0];
    if (!first) return;
    const query = new URLSearchParams({ tab, w: String(widthOf(first)), pages: pages.join(",") });
    fetch(`/view?${query}`, { method: "POST", headers: { "X-Baogao-Token": token } }).catch(() => {});
  }, 100);
}
const seen = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) inView.add(entry.target);
    else inView.delete(entry.target);
  }
  reportView();
});
window.addEventListener("resize", reportView);

const nearness = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) { near.delete(entry.target); continue; }
    near.add(entry.target);
    if (stale.delete(entry.target)) update(entry.target);
  }
  drain();
}, { rootMargin: "50% 0px" });

// The picture's height in pixels and band k's rows in it, rounded as the
// server rounds them (bands.rs), so that a band covers its rows exactly.
const pictureHeight = (width, p) => Math.max(1, Math.round((width * p.h) / Math.max(p.w, 1)));
const edge = (height, k) => Math.round((height * k) / BANDS);

function picture(src, className) {
  const img = new Image();
  img.className = className;
  img.alt = "";
  img.setAttribute("elementtiming", className);
  img.src = src;
  return img;
}

// A page is its picture, as wide in pixels as it is shown, with its text
// laid over it (transparent, to select, find and click). After an edit
// only the bands that changed are fetched, and laid over the picture. The
// new pictures go in together as soon as they have all arrived; the text
// layer is fetched once they are on the screen (it is not seen, and making,
// parsing and laying it out would hold back that frame).
const widthOf = (el) => Math.min(4000, Math.max(200, Math.round(el.clientWidth * (window.devicePixelRatio || 1))));

// The picture sent with the state, if there is one, or where to fetch it.
function source(n, k, v, width) {
  const sent = pushed.get(key(n, k, v, width));
  if (sent) pushed.delete(key(n, k, v, width));
  return sent || `/pages/${n}.png?v=${v}&w=${width}${k === null ? "" : `&band=${k}`}`;
}

async function update(el) {
  const p = el.want;
  const v = String(p.v);
  const n = Number(el.id.slice(5));
  const width = widthOf(el);
  const shown = el.shown;
  let changed = null;
  if (shown && shown.width === width) {
    changed = p.b.map((b, k) => (b !== shown.bands[k] ? k : -1)).filter((k) => k >= 0);
    if (changed.length > BANDS / 2) changed = null;
  }
  const pictures = changed === null
    ? [picture(source(n, null, p.v, width), "picture")]
    : changed.map((k) => picture(source(n, k, p.b[k], width), "band"));
  try {
    await Promise.all(pictures.map((img) => img.decode()));
  } catch (_) {
    return;
  }
  if (el.dataset.v !== v) return; // a newer version is on its way
  if (changed === null) {
    el.querySelectorAll("img").forEach((img) => img.remove());
    el.prepend(pictures[0]);
  } else {
    const height = pictureHeight(width, p);
    changed.forEach((k, i) => {
      const img = pictures[i];
      img.dataset.k = String(k);
      img.style.top = `${(edge(height, k) / height) * 100}%`;
      img.style.height = `${((edge(height, k + 1) - edge(height, k)) / height) * 100}%`;
      const old = el.querySelector(`img.band[data-k="${k}"]`);
      if (old) old.replaceWith(img);
      else el.querySelector("img.picture").after(img);
    });
  }
  el.shown = { width, bands: p.b.slice() };
  await afterPaint();
  if (el.dataset.v !== v) return;
  let layer;
  try {
    const r = await fetch(`/pages/${n}.text.svg?v=${v}`);
    if (!r.ok) return;
    layer = await r.text();
  } catch (_) {
    return;
  }
  if (el.dataset.v !== v) return;
  const svg = new DOMParser().parseFromString(layer, "image/svg+xml").documentElement;
  svg.classList.add("text");
  const old = el.querySelector("svg.text");
  if (old) old.replaceWith(document.importNode(svg, true));
  else el.append(document.importNode(svg, true));
  el.dataset.shown = v;
}

function showError(error) {
  if (!error) {
    if (!banner.hidden) {
      banner.hidden = true;
      bannerText.textContent = "";
    }
    return;
  }
  bannerText.textContent = error.text;
  banner.hidden = false;
}

function updateCounter() {
  const top = pagesEl.getBoundingClientRect().top;
  let current = 1;
  for (const el of pagesEl.children) {
    if (el.getBoundingClientRect().top - 80 <= 0) current = Number(el.id.slice(5));
  }
  const text = count ? `第 ${top > 0 ? 1 : current} / ${count} 页` : "…";
  if (counter.textContent !== text) counter.textContent = text;
}

function zoom(actual) {
  pagesEl.classList.toggle("actual", actual);
  pagesEl.classList.toggle("fit", !actual);
  document.getElementById("fit").setAttribute("aria-pressed", String(!actual));
  document.getElementById("actual").setAttribute("aria-pressed", String(actual));
  for (const el of pagesEl.children) {
    el.style.width = actual ? `${(Number(el.dataset.w) * 96) / 72}px` : "";
    // Drawn anew at the new width.
    if (near.has(el)) update(el);
    else stale.add(el);
  }
  drain();
  reportView();
}

// Click to source: the clicked run of text, with the runs before it (a
// callout's label before its number), goes to the server, which says
// which file and line it comes from.
async function whence(event) {
  const run = event.target.closest(".text-layer text");
  if (!run) return;
  const runs = [...run.parentNode.children];
  const at = runs.indexOf(run);
  const context = runs.slice(Math.max(0, at - 3), at).map((r) => r.textContent).join("\n");
  const query = new URLSearchParams({ text: run.textContent, context });
  const found = await (await fetch(`/source?${query}`)).json();
  sourceEl.textContent = found ? `来自 ${found.file} 第 ${found.line} 行（${found.what}）` : "找不到这段文字的来源";
  sourceEl.dataset.file = found ? found.file : "";
  sourceEl.dataset.line = found ? String(found.line) : "";
  sourceEl.style.left = `${Math.min(event.clientX + 12, window.innerWidth - 300)}px`;
  sourceEl.style.top = `${event.clientY + 12}px`;
  sourceEl.hidden = false;
  if (found && editor) {
    const where = new URLSearchParams({ file: found.file, line: String(found.line) });
    fetch(`/open?${where}`, { method: "POST", headers: { "X-Baogao-Token": token } });
  }
}

document.getElementById("fit").addEventListener("click", () => zoom(false));
document.getElementById("actual").addEventListener("click", () => zoom(true));
pagesEl.addEventListener("click", whence);
document.addEventListener("keydown", (e) => { if (e.key === "Escape") sourceEl.hidden = true; });
window.addEventListener("scroll", updateCounter, { passive: true });

const events = new EventSource(`/events?tab=${tab}`);
events.onmessage = (e) => {
  lost.hidden = true;
  if (!e.data) return;
  const message = JSON.parse(e.data);
  pushed = new Map(message.pictures.map((p) => [key(p.n, p.k, p.v, p.w), `data:image/png;base64,${p.png}`]));
  apply(message.state);
};
events.onerror = () => { lost.hidden = false; };
