// Shared pieces of the browser checks: a tiny static file server on
// 127.0.0.1 (what GitHub Pages does: files as they are, `dir/` →
// `dir/index.html`, 404.html for missing paths, JSON as application/json)
// and Debian's chromium launched through playwright-core (no browser
// download), with the flags the tests need to run offline and alone.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".jsonld": "application/ld+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** Serves `root` under the path prefix `prefix` ("/badges/"); resolves to {server, url}. */
export function serve(root, prefix = "/") {
  const real = fs.realpathSync(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) {
      res.writeHead(404).end("not found");
      return;
    }
    rel = rel.slice(prefix.length);
    let file = path.join(real, rel);
    if (!file.startsWith(real)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(real, "404.html");
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ server, url: `http://127.0.0.1:${port}${prefix}` });
    });
  });
}

export const CHROMIUM = process.env.ROSETTE_CHROMIUM || "/usr/bin/chromium";

/** Launches headless chromium with a fresh, empty profile. */
export async function launch(profile, options = {}) {
  fs.mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
