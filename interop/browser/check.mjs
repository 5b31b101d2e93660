// Rosette's pages in a real browser (Debian's chromium through
// playwright-core), as a person sees them: JS on and off, desktop and
// mobile, right to left; axe-core on every page kind; the learner's
// take-aways (LinkedIn fields, copy link, the baked download, the wallet and
// certificate QR codes, the printed certificate) and the verification page.
//
//     node check.mjs SITE_DIR ARTEFACTS_DIR [STALE_DIR]
//
// SITE_DIR is a build of tests/fixtures/base + tests/fixtures/browser
// (base_url https://example.test/badges/; languages en and ar, the Arabic
// pages right to left under ar/); it is served on 127.0.0.1 under
// /badges/. The clock of every page is 2026-06-01 (the fixture's awards are
// valid, revoked or expired then, whatever day the test runs). Screenshots,
// PDFs and the downloaded baked images go to ARTEFACTS_DIR. STALE_DIR is the
// same site rebuilt after alpha-2 was revoked, with alpha-2's old page.
// Prints `ok NAME` or `FAIL NAME: why` per check, then `N passed, M failed`;
// exit code 1 when a check failed.
import fs from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import jsQR from "jsqr";
import { serve, launch } from "./lib.mjs";

const [siteDir, artefacts, staleDir] = process.argv.slice(2);
if (!siteDir || !artefacts) {
  console.error("usage: node check.mjs SITE_DIR ARTEFACTS_DIR [STALE_DIR]");
  process.exit(2);
}
fs.mkdirSync(artefacts, { recursive: true });
const BASE = "https://example.test/badges/";
const NOW = new Date("2026-06-01T12:00:00Z");
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };
const MODULES = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules");
const AXE = fs.readFileSync(path.join(MODULES, "axe-core/axe.min.js"), "utf8");

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${(e && e.message) || e}`.replace(/\n/g, " | "));
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}
function equal(actual, wanted, what) {
  if (actual !== wanted) throw new Error(`${what}: got ${JSON.stringify(actual)}, wanted ${JSON.stringify(wanted)}`);
}

const { server, url } = await serve(siteDir, "/badges/");
const profile = fs.mkdtempSync(path.join(artefacts, "profile-"));
const context = await launch(path.join(profile, "js"));
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url.replace(/\/badges\/$/, "") });
const noJs = await launch(path.join(profile, "nojs"), { javaScriptEnabled: false });
// Pages that link absolutely (404.html) or by their canonical address reach
// the same files: https://example.test/badges/… is served from SITE_DIR.
for (const ctx of [context, noJs]) {
  await ctx.route(BASE + "**", (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname).replace(/^\/badges\//, "");
    let file = path.join(siteDir, rel);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: "not found" });
    const types = { ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json", ".html": "text/html" };
    return route.fulfill({ status: 200, contentType: types[path.extname(file)] || "application/octet-stream", body: fs.readFileSync(file) });
  });
}

/** Opens `rel` in a fresh page with the fixed clock; collects errors and failed requests. */
async function open(ctx, rel, viewport = "desktop", { js = true } = {}) {
  const page = await ctx.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  // (Failed requests are reported by the response handler, which knows the 404 page's own address.)
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/nowhere/")) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`failed request ${r.url()}`));
  await page.setViewportSize(VIEWPORTS[viewport]);
  if (js) await page.clock.setFixedTime(NOW);
  await page.goto(url + rel, { waitUntil: "load" });
  if (js) await page.waitForLoadState("networkidle");
  page.problems = problems;
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true });
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }),
  );
  const bad = result.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(", ")})`);
  expect(bad.length === 0, `axe-core: ${bad.join("; ")}`);
}

async function noOverflow(page) {
  const [scroll, inner] = await page.evaluate(() => [document.scrollingElement.scrollWidth, window.innerWidth]);
  expect(scroll <= inner, `the page is ${scroll}px wide in a ${inner}px viewport`);
}

function clean(page) {
  expect(page.problems.length === 0, page.problems.join("; "));
}

const text = (page, selector) => page.locator(selector).first().innerText();

// ---------------------------------------------------------------- every page kind
const PAGES = {
  home: "",
  badge: "badges/beta/",
  "award-valid": "awards/alpha-1/",
  "award-revoked": "awards/alpha-3/",
  "award-expired": "awards/beta-old/",
  "award-rtl": "awards/beta-rtl/",
  verify: "verify/",
  "verify-result": "verify/?url=" + encodeURIComponent(BASE + "awards/alpha-1/credential.json"),
  extra: "pages/about/",
  portfolio: "earners/sam/",
  "ar-home": "ar/",
  "ar-badge": "ar/badges/beta/",
  "ar-award": "ar/awards/alpha-soon/",
  "ar-portfolio": "ar/earners/sam/",
  "not-found": "nowhere/",
};
for (const [kind, rel] of Object.entries(PAGES)) {
  for (const viewport of Object.keys(VIEWPORTS)) {
    await check(`${kind} page, ${viewport}: axe-core finds no violation, nothing overflows, no error`, async () => {
      const page = await open(context, rel, viewport);
      if (kind === "verify-result") await page.waitForSelector("#result[data-verdict]");
      await shot(page, `${kind}-${viewport}`);
      await axe(page);
      await noOverflow(page);
      clean(page);
      await page.close();
    });
  }
  await check(`${kind} page without JavaScript: axe-core finds no violation`, async () => {
    // The site's scripts are blocked (axe-core itself needs JavaScript).
    const page = await context.newPage();
    await page.route(/\.js(\?.*)?$/, (route) => route.abort());
    await page.goto(url + rel);
    await shot(page, `${kind}-nojs`);
    await axe(page);
    await page.close();
  });
}

// ---------------------------------------------------------------- status, JS on and off
await check("without JavaScript, award pages state dates and never claim validity", async () => {
  for (const rel of ["awards/alpha-1/", "awards/beta-old/", "awards/beta-rtl/"]) {
    const page = await open(noJs, rel, "desktop", { js: false });
    const status = await text(page, "#status");
    expect(!/✓|\bValid\b/.test(status), `${rel} claims validity: ${status}`);
    expect(/^Issued on \d+ \w+ \d{4}/.test(status), `${rel}: ${status}`);
    if (rel === "awards/beta-old/") expect(/expires on 1 January 2021/.test(status), status);
    await page.close();
  }
  const revoked = await open(noJs, "awards/alpha-3/", "desktop", { js: false });
  equal(await text(revoked, "#status"), "✕ Revoked on 1 April 2026: Issued in error. Verify this badge", "revoked banner");
  expect(!/earned/.test(await text(revoked, "h1")), "a revoked award's heading says earned");
  const filter = await revoked.locator(".badge-img").evaluate((img) => getComputedStyle(img).filter);
  expect(/grayscale/.test(filter), `the revoked badge image is not grey: ${filter}`);
  await revoked.close();
});

await check("with JavaScript, the status is judged: valid, expired, revoked", async () => {
  const valid = await open(context, "awards/alpha-1/");
  equal(await text(valid, "#status"), "✓ Valid: not expired, and not revoked in the issuer’s status list (checked 1 June 2026).", "valid banner");
  equal(await valid.locator("#status").getAttribute("class"), "status status-valid", "valid class");
  const expired = await open(context, "awards/beta-old/");
  equal(await text(expired, "#status"), "! Expired: its validity ended on 1 January 2021.", "expired banner");
  const revoked = await open(context, "awards/alpha-3/");
  expect((await text(revoked, "#status")).startsWith("✕ Revoked on 1 April 2026"), "revoked banner");
  for (const p of [valid, expired, revoked]) { clean(p); await p.close(); }
});

await check("a page built before its award was revoked shows the revocation from the status list", async () => {
  // STALE_DIR: the site rebuilt after alpha-2 was revoked, with alpha-2's page from before.
  expect(staleDir, "no STALE_DIR given");
  const stale = await serve(staleDir, "/badges/");
  const page = await context.newPage();
  await page.clock.setFixedTime(NOW);
  await page.goto(stale.url + "awards/alpha-2/");
  await page.waitForLoadState("networkidle");
  equal(await text(page, "#status"), "✕ Revoked: the issuer’s status list marks this credential as revoked.", "banner");
  expect(await page.locator(".keep").count() === 0, "the share panel is still offered");
  expect(await page.locator("article.revoked").count() === 1, "the image is not greyed");
  await shot(page, "award-revoked-after-build-desktop");
  await page.close();
  stale.server.close();
});

await check("badge pages mark expired earners and count only awards that stand", async () => {
  const page = await open(context, "badges/beta/");
  const old = page.locator("li", { hasText: "Old Timer" });
  expect((await old.innerText()).includes("(expired)"), await old.innerText());
  const rtl = page.locator("li", { hasText: "ليلى" });
  expect(!(await rtl.innerText()).includes("expired"), await rtl.innerText());
  expect((await text(page, ".facts")).includes("Awarded\n2 times") || (await text(page, ".facts")).includes("2 times"), await text(page, ".facts"));
  const alpha = await open(context, "badges/alpha/");
  expect((await text(alpha, ".facts")).includes("4 times"), await text(alpha, ".facts"));
  expect(await alpha.locator(".earners li", { hasText: "Alice" }).count() === 0, "a revoked earner is listed");
  const home = await open(context, "");
  expect((await text(home, ".cards")).includes("Awarded 2 times"), await text(home, ".cards"));
  for (const p of [page, alpha, home]) await p.close();
});

await check("in its last 30 days an award page says how many days are left", async () => {
  // alpha-soon expires 2026-06-11T00:00Z; the clock is 2026-06-01T12:00Z: 9.5 days, said as 10.
  const soon = await open(context, "awards/alpha-soon/");
  equal(await text(soon, "#status"), "✓ Valid: not expired, and not revoked in the issuer’s status list (checked 1 June 2026). (expires in 10 days)", "banner");
  const later = await open(context, "awards/alpha-1/");
  expect(await later.locator("#status .expiring").count() === 0, "an award far from its expiry says how long is left");
  const ar = await open(context, "ar/awards/alpha-soon/");
  expect((await text(ar, "#status .expiring")) === "(تنتهي صلاحيتها خلال 10 يومًا)", await text(ar, "#status"));
  await shot(ar, "ar-award-expiring");
  const noScript = await open(noJs, "awards/alpha-soon/", "desktop", { js: false });
  expect(!/expires in/.test(await text(noScript, "#status")), "the build said how long is left");
  for (const p of [soon, later, ar, noScript]) await p.close();
  for (const p of [soon, later, ar]) clean(p);
});

await check("portfolios mark an expired award in the browser, and claim nothing without JavaScript", async () => {
  const page = await open(context, "earners/sam/");
  const gone = page.locator(".earner-awards li", { hasText: "1 January 2025" });
  equal(await gone.getAttribute("class"), "expired", "expired item class");
  expect((await gone.innerText()).includes("(expired)"), await gone.innerText());
  const soon = page.locator(".earner-awards li", { hasText: "1 May 2026" });
  equal(await soon.getAttribute("class"), null, "standing item class");
  expect(!(await soon.innerText()).includes("expired"), await soon.innerText());
  const ar = await open(context, "ar/earners/sam/");
  equal(await ar.locator("html").getAttribute("dir"), "rtl", "Arabic portfolio direction");
  expect((await ar.locator(".earner-awards .expired").innerText()).includes("(منتهية الصلاحية)"), await ar.locator(".earner-awards").innerText());
  const noScript = await open(noJs, "earners/sam/", "desktop", { js: false });
  expect(!/expired|\bValid\b/.test(await text(noScript, ".earner-awards")), await text(noScript, ".earner-awards"));
  for (const p of [page, ar]) clean(p);
  for (const p of [page, ar, noScript]) await p.close();
});

await check("Arabic pages are right to left, with a language switcher", async () => {
  const page = await open(context, "ar/badges/beta/");
  equal(await page.locator("html").getAttribute("dir"), "rtl", "dir");
  equal(await page.locator("html").getAttribute("lang"), "ar", "lang");
  const current = page.locator('nav.languages a[aria-current="page"]');
  equal(await current.getAttribute("hreflang"), "ar", "current language");
  const english = page.locator('nav.languages a[hreflang="en"]');
  equal(await english.getAttribute("lang"), "en", "the English link's language");
  await english.click();
  await page.waitForLoadState("load");
  expect(page.url().endsWith("/badges/badges/beta/"), page.url());
  equal(await page.locator("html").getAttribute("dir"), null, "the English page's direction");
  clean(page);
  await page.close();
});

await check("an Arabic name stays isolated: it keeps its place before the date, right to left inside", async () => {
  const page = await open(context, "badges/beta/");
  const item = page.locator(".earners li", { hasText: "ليلى" });
  const name = await item.locator("bdi").boundingBox();
  const date = await item.locator("time").boundingBox();
  expect(name.x + name.width <= date.x, `the name (${name.x}+${name.width}) is not left of the date (${date.x})`);
  const award = await open(context, "awards/beta-rtl/");
  const heading = award.locator("h1 bdi");
  equal(await heading.innerText(), "ليلى الحسن", "heading name");
  const words = await award.locator("h1").boundingBox();
  const bdi = await heading.boundingBox();
  expect(Math.abs(bdi.x - words.x) < 2, "the name does not start the heading");
  await shot(award, "award-rtl-heading");
  for (const p of [page, award]) await p.close();
});

await check("the favicon is the theme's and loads", async () => {
  const page = await open(context, "awards/alpha-1/");
  const href = await page.locator('link[rel="icon"]').getAttribute("href");
  equal(href, "../../favicon.svg", "icon link");
  const response = await page.request.get(url + "favicon.svg");
  equal(response.status(), 200, "favicon status");
  await page.close();
});

// ---------------------------------------------------------------- sharing
await check("LinkedIn, share and verify links carry every field", async () => {
  const page = await open(context, "awards/alpha-1/");
  const add = new URL(await page.locator('a[href^="https://www.linkedin.com/profile/add"]').getAttribute("href"));
  const q = Object.fromEntries(add.searchParams);
  const wanted = {
    startTask: "CERTIFICATION_NAME",
    name: "Alpha",
    organizationId: "1337",
    issueYear: "2026",
    issueMonth: "1",
    expirationYear: "2027",
    expirationMonth: "1",
    certUrl: BASE + "awards/alpha-1/",
    certId: "alpha-1",
  };
  equal(JSON.stringify(q), JSON.stringify(wanted), "add-to-profile fields");
  const share = new URL(await page.locator('a[href^="https://www.linkedin.com/sharing/share-offsite/"]').getAttribute("href"));
  equal(share.searchParams.get("url"), BASE + "awards/alpha-1/", "share-offsite url");
  const verify = await page.locator("a", { hasText: "Verify this badge" }).getAttribute("href");
  equal(verify, "../../verify/?url=../awards/alpha-1/credential.json", "verify link");
  const og = async (p) => page.locator(`meta[property="${p}"]`).getAttribute("content");
  equal(await og("og:title"), "Ada earned Alpha", "og:title");
  equal(await og("og:image"), BASE + "badges/alpha/preview.png", "og:image");
  equal(await og("og:image:width"), "1200", "og:image:width");
  equal(await og("og:url"), BASE + "awards/alpha-1/", "og:url");
  equal(await page.locator('meta[name="twitter:card"]').getAttribute("content"), "summary_large_image", "twitter:card");
  equal(await page.locator('meta[name="robots"]').count(), 0, "a page-wide robots meta");
  equal(await page.locator('meta[name="googlebot"]').getAttribute("content"), "noindex", "googlebot");
  const revoked = await open(context, "awards/alpha-3/");
  equal(await revoked.title(), "Alpha, awarded to Alice (revoked)", "revoked title");
  const preview = await page.request.get(BASE.replace(BASE, url) + "badges/alpha/preview.png");
  const png = PNG.sync.read(await preview.body());
  equal(`${png.width}x${png.height}`, "1200x630", "preview size");
  for (const p of [page, revoked]) await p.close();
});

await check("LinkedIn details to copy, and copy link", async () => {
  const page = await open(context, "awards/alpha-1/");
  await page.locator(".linkedin-fields summary").click();
  const fields = await page.locator(".copy-fields").innerText();
  for (const part of ["Alpha", "Test Guild", "January 2026", "January 2027", BASE + "awards/alpha-1/", "alpha-1"]) {
    expect(fields.includes(part), `missing ${part} in ${fields}`);
  }
  await page.locator("#copy-link").click();
  equal(await page.evaluate(() => navigator.clipboard.readText()), BASE + "awards/alpha-1/", "copied link");
  await page.locator(".copy-fields button").nth(4).click();
  equal(await page.evaluate(() => navigator.clipboard.readText()), BASE + "awards/alpha-1/", "copied credential URL field");
  clean(page);
  await page.close();
});

// ---------------------------------------------------------------- QR codes
async function decodeQr(locator) {
  const png = PNG.sync.read(await locator.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code, "no QR code found in the screenshot");
  return code.data;
}

await check("the wallet QR code decodes to the credential's address", async () => {
  const page = await open(context, "awards/alpha-1/");
  equal(await decodeQr(page.locator("#wallet svg.qr")), BASE + "awards/alpha-1/credential.json", "wallet QR");
  await page.close();
});

// ---------------------------------------------------------------- print
function pdfPages(bytes) {
  const text = bytes.toString("latin1");
  return (text.match(/\/Type\s*\/Page(?!s)/g) || []).length;
}

await check("printing an award page gives a one-page landscape certificate with a QR code of the page", async () => {
  for (const rel of ["awards/alpha-1/", "awards/beta-rtl/"]) {
    const page = await open(context, rel);
    await page.emulateMedia({ media: "print" });
    const name = rel.split("/")[1];
    await shot(page, `certificate-${name}`);
    const cert = page.locator("#certificate");
    expect(await cert.isVisible(), "no certificate in print");
    const certText = await cert.innerText();
    for (const part of ["CERTIFICATE", "Issued by Test Guild on"]) expect(certText.includes(part), `${rel}: no ${part} in ${certText}`);
    const qr = await decodeQr(page.locator("#certificate svg.qr"));
    equal(qr, BASE + rel, "certificate QR");
    for (const format of ["A4", "Letter"]) {
      const pdf = await page.pdf({ format, landscape: true, printBackground: true });
      fs.writeFileSync(path.join(artefacts, `certificate-${name}-${format}.pdf`), pdf);
      equal(pdfPages(pdf), 1, `${rel} ${format} pages`);
    }
    await page.close();
  }
});

await check("a revoked award prints no certificate", async () => {
  const page = await open(context, "awards/alpha-3/");
  await page.emulateMedia({ media: "print" });
  equal(await page.locator("#certificate").count(), 0, "certificates");
  expect((await text(page, "#status")).includes("Revoked"), "no revoked banner in print");
  await page.close();
});

// ---------------------------------------------------------------- baked download
await check("the download is the badge image with the credential baked in", async () => {
  for (const rel of ["awards/alpha-1/", "awards/beta-rtl/"]) {
    const page = await open(context, rel);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
    const file = path.join(artefacts, "downloads", download.suggestedFilename());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    if (rel.includes("beta")) {
      equal(download.suggestedFilename(), "beta-beta-rtl.png", "file name");
      const png = PNG.sync.read(bytes); // still a valid PNG
      equal(png.width, 256, "PNG width");
    } else {
      equal(download.suggestedFilename(), "alpha-alpha-1.svg", "file name");
      expect(bytes.toString("utf8").includes("<openbadges:credential><![CDATA[{"), "no baked credential");
    }
    console.log(`downloaded ${file}`);
    clean(page);
    await page.close();
  }
});

// ---------------------------------------------------------------- verification page
async function verdict(page) {
  await page.waitForSelector("#result[data-verdict], #result.result-invalid", { timeout: 30000 });
  return (await page.locator("#result").getAttribute("data-verdict")) || "invalid";
}

await check("the verification page calls a real credential valid and checks each part", async () => {
  const page = await open(context, PAGES["verify-result"]);
  equal(await verdict(page), "valid", "verdict");
  const checks = await page.locator(".checks").innerText();
  for (const line of ["Signature (eddsa-rdfc-2022): correct", "Validity dates: correct", "Revocation status: not revoked", "Same as the copy at its address: identical"]) {
    expect(checks.includes(line), `missing "${line}" in ${checks}`);
  }
  const vp = await page.locator("#verifierplus").getAttribute("href");
  equal(vp, "https://verifierplus.org/#verify?vc=" + encodeURIComponent(BASE + "awards/alpha-1/credential.json"), "VerifierPlus link");
  await page.locator("#mine-email").fill("Ada@example.org");
  await page.locator(".mine button").click();
  await page.waitForFunction(() => document.getElementById("mine-answer").textContent !== "");
  equal(await text(page, "#mine-answer"), "Yes: this credential was issued to ada@example.org.", "mine");
  await page.locator("#mine-email").fill("eve@example.org");
  await page.locator(".mine button").click();
  await page.waitForFunction(() => document.getElementById("mine-answer").textContent.startsWith("No"));
  clean(page);
  await page.close();
});

await check("the verification page calls a tampered credential not valid", async () => {
  const page = await open(context, "verify/");
  const credential = JSON.parse(fs.readFileSync(path.join(siteDir, "awards/alpha-1/credential.json"), "utf8"));
  credential.credentialSubject.achievement.name = "Alpha (forged)";
  await page.locator("#vc-text").fill(JSON.stringify(credential, null, 2));
  await page.locator("#verify-form button[type=submit]").click();
  equal(await verdict(page), "invalid", "verdict");
  const checks = await page.locator(".checks").innerText();
  expect(/Signature \(eddsa-rdfc-2022\): the signature does not match/.test(checks), checks);
  expect(checks.includes("Same as the copy at its address: differs"), checks);
  await shot(page, "verify-tampered-desktop");
  await page.close();
});

await check("the verification page calls revoked and expired credentials so, and reads baked images", async () => {
  const revoked = await open(context, "verify/?url=" + encodeURIComponent(BASE + "awards/alpha-3/credential.json"));
  equal(await verdict(revoked), "revoked", "revoked verdict");
  const expired = await open(context, "verify/?url=" + encodeURIComponent(BASE + "awards/beta-old/credential.json"));
  equal(await verdict(expired), "expired", "expired verdict");
  const baked = await open(context, "verify/");
  await baked.locator("#vc-file").setInputFiles(path.join(artefacts, "downloads", "beta-beta-rtl.png"));
  await baked.locator("#verify-form button[type=submit]").click();
  equal(await verdict(baked), "valid", "baked PNG verdict");
  await baked.locator("#vc-file").setInputFiles(path.join(artefacts, "downloads", "alpha-alpha-1.svg"));
  await baked.locator("#verify-form button[type=submit]").click();
  await baked.waitForFunction(() => document.querySelector("#result h2") && document.querySelector("#result h2").textContent !== "Checking…");
  equal(await verdict(baked), "valid", "baked SVG verdict");
  for (const p of [revoked, expired, baked]) await p.close();
});

// ---------------------------------------------------------------- vendored scripts
await check("the vendored scripts are the npm packages' files, byte for byte", async () => {
  for (const [served, pkg] of [["vendor/qrcode.js", "qrcode-generator/dist/qrcode.js"], ["vendor/jsonld.min.js", "jsonld/dist/jsonld.min.js"]]) {
    const ours = fs.readFileSync(path.join(siteDir, served));
    const theirs = fs.readFileSync(path.join(MODULES, pkg));
    expect(ours.equals(theirs), `${served} differs from npm ${pkg}`);
  }
});

await context.close();
await noJs.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
