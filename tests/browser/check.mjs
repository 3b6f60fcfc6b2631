// Opens web pages baogao wrote in headless Chromium (Debian's, driven by
// playwright-core) and reports on each, as JSON on stdout:
//   node check.mjs [--shots DIR] PAGE.html …
// For each page: axe-core's WCAG 2.1 A and AA violations at a phone's and a
// desktop's width, whether the page scrolls sideways (at 375 px, at
// 1280 px enlarged to 200 %, and printed), the text a reader gets
// (`innerText`), and how many <script> elements it holds. With --shots,
// screenshots at 375 and 1280 px go to DIR.
//
// The pages are set in the bundled Noto CJK faces (a fontconfig file
// names the repository's fonts/), as on a reader's machine with them
// installed; the pages themselves download no font.

import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const args = process.argv.slice(2);
let shots = null;
if (args[0] === "--shots") {
  shots = resolve(args[1]);
  args.splice(0, 2);
}

// A fontconfig file with the bundled fonts only.
const fontDir = resolve(here, "../../fonts");
const conf = join(mkdtempSync(join(tmpdir(), "baogao-fc-")), "fonts.conf");
writeFileSync(conf, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>${fontDir}</dir><dir>/usr/share/fonts</dir><cachedir>${dirname(conf)}</cachedir></fontconfig>`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  env: { ...process.env, FONTCONFIG_FILE: conf },
  // Chromium as root needs --no-sandbox; the others keep it off this
  // machine's closed network.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

// How far the page reaches past the window's right edge, in CSS pixels.
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function axe(page) {
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG);
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

const reports = [];
for (const file of args) {
  const url = pathToFileURL(resolve(file)).href;
  const report = { file, violations: {}, overflow: {} };
  for (const [name, width, scale] of [["375", 375, 1], ["1280", 1280, 1], ["1280 at 200%", 640, 2]]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, deviceScaleFactor: scale });
    // Nothing but the file itself may load: a request elsewhere fails the page.
    const requests = [];
    context.on("request", (r) => { if (r.url() !== url) requests.push(r.url()); });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    report.overflow[name] = await overflow(page);
    if (name === "1280") {
      report.text = await page.evaluate(() => document.body.innerText);
      report.scripts = await page.evaluate(() => document.querySelectorAll("script").length);
      report.title = await page.title();
      report.lang = await page.evaluate(() => document.documentElement.lang);
      report.headings = await page.evaluate(() =>
        [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => `${h.tagName} ${h.textContent}`));
      await page.emulateMedia({ media: "print" });
      report.overflow.print = await overflow(page);
      await page.emulateMedia({ media: "screen" });
    }
    report.requests = (report.requests || []).concat(requests);
    if (shots && scale === 1) {
      await page.screenshot({ path: join(shots, `${basename(file, ".html")}-${width}.png`), fullPage: true });
    }
    report.violations[name] = await axe(page);
    await context.close();
  }
  reports.push(report);
}
await browser.close();
process.stdout.write(JSON.stringify(reports));
