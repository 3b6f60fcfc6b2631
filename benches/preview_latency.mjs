// Save-to-paint latency of `baogao preview` in headless Chromium: the time
// from writing metrics.yaml to the browser painting the page with the new
// figure (the frame after the new drawing went in), for each value given.
//   node benches/preview_latency.mjs URL REPORT_DIR VALUE...
// Prints JSON: {"first": ms to the first page, "last": ms to the last page,
// "saves": [ms, …]}. Driven by benches/compare.py.

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
const withValue = (v) => original.replace(/(enterprise_visits: \{[^}]*value: )\d+/, `$1${v}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
// Wall-clock times (ms since 1970) at which each page first got a drawing,
// and at which a page's drawing showing `watched` was painted.
await page.addInitScript(() => {
  window.__drawn = [];
  window.__painted = null;
  window.__watched = null;
  new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeName !== "svg") continue;
        const at = performance.timeOrigin + performance.now();
        if (!r.target.dataset.first) { r.target.dataset.first = "1"; window.__drawn.push(at); }
        const watched = window.__watched;
        if (watched && node.textContent.includes(watched)) {
          requestAnimationFrame(() => requestAnimationFrame(() => {
            // A page of an earlier edit painted late does not count.
            if (window.__watched === watched && window.__painted === null) {
              window.__painted = performance.timeOrigin + performance.now();
            }
          }));
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
});
const opened = Date.now();
await page.goto(url);
await page.waitForFunction(() => {
  const pages = [...document.querySelectorAll("#pages .page")];
  return pages.length > 0 && pages.every((p) => p.querySelector("svg"));
}, null, { timeout: 60000 });
const drawn = await page.evaluate(() => window.__drawn);
const result = { first: Math.min(...drawn) - opened, last: Math.max(...drawn) - opened, saves: [] };
try {
  for (const v of values) {
    // The new figure, as the callout's run in the page's text layer.
    await page.evaluate((w) => { window.__watched = w; window.__painted = null; }, String(v));
    await new Promise((r) => setTimeout(r, 300));
    const saved = Date.now();
    writeFileSync(metricsPath, withValue(v));
    await page.waitForFunction(() => window.__painted !== null, null, { timeout: 30000, polling: 5 });
    result.saves.push((await page.evaluate(() => window.__painted)) - saved);
  }
} finally {
  writeFileSync(metricsPath, original);
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
