// baogao preview: shows the report's pages and keeps them current. The
// server sends the state (pages with the version each last changed at, an
// error) on every change; a page is fetched again only when its version
// moved, and its box keeps its size meanwhile, so nothing jumps.
"use strict";

const pagesEl = document.getElementById("pages");
const counter = document.getElementById("counter");
const banner = document.getElementById("banner");
const bannerText = document.getElementById("banner-text");
const sourceEl = document.getElementById("source");
const token = document.body.dataset.token;
let editor = false;
let count = 0;

function apply(state) {
  editor = state.editor;
  showError(state.error);
  const pages = state.pages || [];
  count = pages.length;
  while (pagesEl.children.length > pages.length) pagesEl.lastElementChild.remove();
  pages.forEach((p, i) => {
    let el = pagesEl.children[i];
    if (!el) {
      el = document.createElement("div");
      el.className = "page";
      el.id = `page-${i + 1}`;
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", `第 ${i + 1} 页`);
      pagesEl.append(el);
    }
    el.style.aspectRatio = `${p.w} / ${p.h}`;
    el.dataset.w = p.w;
    if (pagesEl.classList.contains("actual")) el.style.width = `${(p.w * 96) / 72}px`;
    if (el.dataset.v !== String(p.v)) {
      el.dataset.v = String(p.v);
      load(el, i + 1, p.v);
    }
  });
  updateCounter();
}

// A page is its picture, as wide in pixels as it is shown, with its text
// laid over it (transparent, to select, find and click); both are swapped
// in together once both have arrived.
async function load(el, n, v) {
  const width = Math.round(el.clientWidth * (window.devicePixelRatio || 1));
  const picture = new Image();
  picture.className = "picture";
  picture.alt = "";
  picture.src = `/pages/${n}.png?v=${v}&w=${width}`;
  let text;
  try {
    const [response] = await Promise.all([fetch(`/pages/${n}.text.svg?v=${v}`), picture.decode()]);
    if (!response.ok) return;
    text = await response.text();
  } catch (_) {
    return;
  }
  if (el.dataset.v !== String(v)) return; // a newer version is on its way
  const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  svg.classList.add("text");
  el.replaceChildren(picture, document.importNode(svg, true));
  el.dataset.shown = String(v);
}

function showError(error) {
  if (!error) {
    banner.hidden = true;
    bannerText.textContent = "";
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
  counter.textContent = count ? `第 ${top > 0 ? 1 : current} / ${count} 页` : "…";
}

function zoom(actual) {
  pagesEl.classList.toggle("actual", actual);
  pagesEl.classList.toggle("fit", !actual);
  document.getElementById("fit").setAttribute("aria-pressed", String(!actual));
  document.getElementById("actual").setAttribute("aria-pressed", String(actual));
  for (const el of pagesEl.children) {
    el.style.width = actual ? `${(Number(el.dataset.w) * 96) / 72}px` : "";
    load(el, Number(el.id.slice(5)), el.dataset.v); // drawn anew at the new width
  }
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

const events = new EventSource("/events");
events.onmessage = (e) => {
  document.getElementById("lost").hidden = true;
  if (e.data) apply(JSON.parse(e.data));
};
events.onerror = () => { document.getElementById("lost").hidden = false; };
