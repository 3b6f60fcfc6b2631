// Drives `baogao preview` in headless Chromium as a clerk would, and
// reports what happened as JSON on stdout:
//   node preview.mjs URL REPORT_DIR [--shot FILE]
// Two tabs open the preview; a metric is edited in REPORT_DIR/metrics.yaml
// and the new figure must show in both; the pages that do not hold it must
// keep their elements, and the reader's place must stay; a broken
// report.yaml must show the error banner, and the fix clear it; a click
// on a callout's number must name metrics.yaml and the metric's line;
// closing a tab mid-update must not stop the other. An edit redraws only
// the bands of a page that changed: the page's first picture stays, the
// new bands lie over it, and what shows is the page as drawn anew (the
// picture shown, the new drawing and the old one are saved into a folder
// for the test to compare).

import { chromium } from "playwright-core";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [url, dir, ...rest] = process.argv.slice(2);
const shot = rest[0] === "--shot" ? rest[1] : null;
const here = dirname(fileURLToPath(import.meta.url));
const conf = join(mkdtempSync(join(tmpdir(), "baogao-fc-")), "fonts.conf");
writeFileSync(conf, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>${resolve(here, "../../fonts")}</dir><cachedir>${dirname(conf)}</cachedir></fontconfig>`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  env: { ...process.env, FONTCONFIG_FILE: conf },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const result = {};
const metricsPath = join(dir, "metrics.yaml");
const reportPath = join(dir, "report.yaml");
const metrics = readFileSync(metricsPath, "utf8");
const report = readFileSync(reportPath, "utf8");

// Every page box holds the drawing of its newest version.
const allPages = (page) => page.waitForFunction(() => {
  const pages = [...document.querySelectorAll("#pages .page")];
  return pages.length > 0 && pages.every((p) => p.querySelector("svg") && p.dataset.shown === p.dataset.v);
}, null, { timeout: 20000 });
const textOf = (page) => page.evaluate(() => document.getElementById("pages").textContent);

try {
  const a = await context.newPage();
  const started = Date.now();
  await a.goto(url);
  await a.waitForSelector("#pages .page svg", { timeout: 20000 });
  result.firstPageMs = Date.now() - started;
  await allPages(a);
  result.allPagesMs = Date.now() - started;
  const b = await context.newPage();
  await b.goto(url);
  await allPages(b);
  result.pages = await a.evaluate(() => document.querySelectorAll("#pages .page").length);

  // Mark every drawing, keep a place in the middle, then edit one metric.
  await a.evaluate(() => document.querySelectorAll("#pages .page svg, #pages .page img").forEach((s, i) => { s.dataset.mark = String(i); }));
  const pictures = mkdtempSync(join(tmpdir(), "baogao-shown-"));
  result.pictures = pictures;
  result.width = await a.evaluate(() => document.querySelector("#page-3 img.picture").naturalWidth);
  const drawing = async (name) => {
    const response = await fetch(`${url}pages/3.png?w=${result.width}`);
    writeFileSync(join(pictures, name), Buffer.from(await response.arrayBuffer()));
  };
  await drawing("old.png");
  await a.evaluate(() => document.getElementById("page-8").scrollIntoView());
  const scrolled = await a.evaluate(() => window.scrollY);
  writeFileSync(metricsPath, metrics.replace("value: 336,", "value: 4321,").replace("value: 336}", "value: 4321}"));
  const saved = Date.now();
  const shows = (page) => page.waitForFunction(() => document.getElementById("pages").textContent.includes("4321"), null, { timeout: 5000 });
  await shows(a);
  result.editMs = Date.now() - saved;
  await shows(b);
  result.otherTabMs = Date.now() - saved;
  await allPages(a);
  result.scrollMoved = Math.abs((await a.evaluate(() => window.scrollY)) - scrolled);
  result.replaced = await a.evaluate(() => [...document.querySelectorAll("#pages .page")].map((p, i) => ({
    page: i + 1,
    replaced: !p.querySelector("svg[data-mark]"),
    holdsEdit: p.textContent.includes("4321"),
    pictureKept: Boolean(p.querySelector("img.picture[data-mark]")),
    bands: p.querySelectorAll("img.band").length,
  })));
  await drawing("new.png");
  await a.locator("#page-3").screenshot({ path: join(pictures, "shown.png") });

  // A click on the callout's number: where does it come from?
  const number = a.locator("#page-3 .text-layer text", { hasText: /^4321$/ }).first();
  await number.scrollIntoViewIfNeeded();
  await number.click({ force: true });
  await a.waitForSelector("#source:not([hidden])", { timeout: 5000 });
  result.source = await a.evaluate(() => document.getElementById("source").textContent);

  // A broken save shows the error over the pages; the fix clears it.
  writeFileSync(reportPath, report.replace("{{enterprise_visits}}", "{{enterprise_vists}}"));
  await a.waitForSelector("#banner:not([hidden])", { timeout: 5000 });
  result.banner = await a.evaluate(() => document.getElementById("banner-text").textContent);
  result.pagesUnderBanner = await a.evaluate(() => document.querySelectorAll("#pages .page svg").length);
  if (shot) await a.screenshot({ path: shot });
  writeFileSync(reportPath, report);
  await a.waitForSelector("#banner[hidden]", { state: "attached", timeout: 5000 });
  result.bannerCleared = true;

  // A tab closed while an update is on its way; the other goes on.
  writeFileSync(metricsPath, metrics.replace("value: 336,", "value: 5555,").replace("value: 336}", "value: 5555}"));
  await b.close();
  await a.waitForFunction(() => document.getElementById("pages").textContent.includes("5555"), null, { timeout: 5000 });
  result.afterClose = true;
} catch (e) {
  result.failure = String(e && e.stack || e);
} finally {
  writeFileSync(metricsPath, metrics);
  writeFileSync(reportPath, report);
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
