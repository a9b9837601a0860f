/**
 * @module ui/assets
 * The reviewer UI's scripts and stylesheet, served as files (the Content-Security-Policy
 * allows no inline script). Read once from `src/ui/assets/` (also found from `dist/`).
 */
import { readFileSync } from "node:fs";
import type { Hono } from "hono";

const load = (name: string): string => {
  const candidates = [
    new URL(`./assets/${name}`, import.meta.url),
    new URL(`../../src/ui/assets/${name}`, import.meta.url),
  ];
  for (const url of candidates) {
    try {
      return readFileSync(url, "utf8");
    } catch {}
  }
  throw new Error(`reviewer UI asset ${name} not found`);
};

/** Mounts `GET {base}/ui/assets/inbox.js`, `review.js` and `inbox.css`. */
export function mountAssets(app: Hono, base: string): void {
  const files = {
    "inbox.js": { body: load("inbox.js"), type: "text/javascript; charset=utf-8" },
    "review.js": { body: load("review.js"), type: "text/javascript; charset=utf-8" },
    "inbox.css": { body: load("inbox.css"), type: "text/css; charset=utf-8" },
  };
  for (const [name, file] of Object.entries(files)) {
    app.get(`${base}/ui/assets/${name}`, (c) => {
      c.header("content-type", file.type);
      c.header("x-content-type-options", "nosniff");
      c.header("cache-control", "no-cache");
      return c.body(file.body);
    });
  }
}
