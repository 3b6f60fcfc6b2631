// Save-to-paint latency of `baogao preview` in headless Chromium: the time
// from writing metrics.yaml to the browser showing the page with the new
// figure, for each value given. The reader looks at the page that holds
// the figure (the first page whose text shows it), as a clerk checking
// an edit does. "Showing" is the Element Timing API's renderTime of the
// new pictures on that page: when the frame that holds them was
// presented.
//   node benches/preview_latency.mjs URL REPORT_DIR VALUE...
// Prints JSON: {"first": ms to the first page shown, "last": ms until
// every page has its drawing (those out of view are fetched after the
// rest), "saves": [ms, …]}. Driven by benches/compare.py.

import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, "../tests/browser/package.json"));
const { chromium } = require("playwright-core");

const [url, dir, ...values] = process.argv.slice(2);
const metricsPath = join(dir, "metrics.yaml");
const original = readFileSync(metricsPath, "utf8");
const figure = /(enterprise_visits: \{[^}]*value: )(\d+)/;
const withValue = (v) => original.replace(figure, `$1${v}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
// Wall-clock times (ms since 1970) at which a page's first picture was
// presented, and every picture presented on the page being watched.
await page.addInitScript(() => {
  const wall = (t) => performance.timeOrigin + t;
  window.__drawn = [];
  window.__shown = [];
  window.__watched = null;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const box = entry.element && entry.element.closest(".page");
      if (!box) continue;
      if (!box.dataset.first) { box.dataset.first = "1"; window.__drawn.push(wall(entry.renderTime)); }
      if (box.id === window.__watched) window.__shown.push({ at: wall(entry.renderTime), src: entry.element.src });
    }
  }).observe({ type: "element", buffered: true });
});
const opened = Date.now();
await page.goto(url);
const settled = () => page.waitForFunction(() => {
  const pages = [...document.querySelectorAll("#pages .page")];
  return pages.length > 0 && pages.every((p) => p.dataset.shown === p.dataset.v);
}, null, { timeout: 60000 });
await settled();
const last = Date.now() - opened;
const drawn = await page.evaluate(() => window.__drawn);
const result = { first: Math.min(...drawn) - opened, last, saves: [] };
const before = original.match(figure)[2];
const watched = await page.evaluate((text) => {
  const box = [...document.querySelectorAll("#pages .page")].find((p) => p.querySelector("svg").textContent.includes(text));
  box.scrollIntoView();
  return box.id;
}, before);
try {
  for (const v of values) {
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate((id) => { window.__watched = id; window.__shown = []; }, watched);
    const saved = Date.now();
    writeFileSync(metricsPath, withValue(v));
    // The new figure is in the page's text, so the pictures that came with
    // it are its new drawing.
    await page.waitForFunction(({ id, v }) => {
      const box = document.getElementById(id);
      return box.dataset.shown === box.dataset.v && box.querySelector("svg").textContent.includes(v) && window.__shown.length;
    }, { id: watched, v }, { timeout: 30000, polling: 5 });
    const shown = await page.evaluate(() => window.__shown);
    result.saves.push(Math.min(...shown.map((s) => s.at)) - saved);
    await settled();
  }
} finally {
  writeFileSync(metricsPath, original);
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
