#!/usr/bin/env node
/*
 * Hearth's pages in a real browser: Chromium (the Debian package) driven by
 * playwright-core, with axe-core checking accessibility. It runs against a
 * Hearth that is already serving on loopback, with two members (the one who
 * browses, "alice", and the other one, "bob") and an API token for each,
 * which stand for the members' apps when something must happen outside the
 * browser (bob posts, mentions or favourites).
 *
 *   node scenario.mjs SCENARIO...      visitor member compose live profile pages invite approval
 *
 * Settings (option --name=value, or the environment variable):
 *   --url        HEARTH_URL           base URL (loopback only)
 *   --user       HEARTH_USER          the member who browses (alice)
 *   --other      HEARTH_OTHER         the other member (bob)
 *   --password   HEARTH_PASSWORD      both members' password
 *                HEARTH_USER_TOKEN    API tokens (read write follow)
 *                HEARTH_OTHER_TOKEN
 *   --pages      HEARTH_PAGES         for "pages": page names, comma-separated (default: all)
 *   --artifacts  HEARTH_ARTIFACTS     where screenshots go (default build/browser-artifacts)
 *                CHROMIUM             the browser (default /usr/bin/chromium)
 *                HEARTH_BROWSER_BUDGET seconds before the run gives up (default 150)
 *
 * "pages" takes screenshots of the main pages at 375 and 1280 px and runs
 * axe-core on each (light and dark, both widths); a serious or critical
 * finding fails the page, and so does a page wider than a 375 px screen.
 *
 * Each scenario is a list of steps. A step that fails is reported with its
 * first error lines and a screenshot (FAILED-<scenario>-<step>.png) and the
 * scenario goes on with the steps that do not depend on it; the exit status
 * is 1 when any step failed, 2 on bad arguments, 3 when the budget ran out.
 * The browser may only reach the server under test: any other host fails
 * to resolve, and a request to one fails the scenario.
 */
import { readFileSync, readdirSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const WAIT = 10000; /* ms for anything to appear */

/* ---- settings ---- */

const opts = {};
const scenarios = [];
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/s.exec(arg);
  if (m) opts[m[1]] = m[2];
  else scenarios.push(arg);
}
const env = process.env;
const cfg = {
  url: (opts.url || env.HEARTH_URL || "").replace(/\/+$/, ""),
  user: opts.user || env.HEARTH_USER || "alice",
  other: opts.other || env.HEARTH_OTHER || "bob",
  password: opts.password || env.HEARTH_PASSWORD || "",
  userToken: env.HEARTH_USER_TOKEN || "",
  otherToken: env.HEARTH_OTHER_TOKEN || "",
  pages: (opts.pages || env.HEARTH_PAGES || "").split(",").filter(Boolean),
  artifacts: path.resolve(ROOT, opts.artifacts || env.HEARTH_ARTIFACTS || "build/browser-artifacts"),
  chromium: env.CHROMIUM || "/usr/bin/chromium",
  budget: Number(env.HEARTH_BROWSER_BUDGET || 150),
};

function usage(why) {
  console.error(`scenario.mjs: ${why}`);
  console.error("usage: node scenario.mjs [--url=URL] [--user=NAME] [--other=NAME] " +
    "[--password=PW] [--pages=a,b] [--artifacts=DIR] SCENARIO...");
  console.error(`scenarios: ${Object.keys(SCENARIOS).join(" ")}`);
  process.exit(2);
}

function isLoopback(u) {
  try {
    const h = new URL(u).hostname;
    return h === "127.0.0.1" || h === "localhost" || h === "[::1]";
  } catch {
    return false;
  }
}

/* ---- reporting ---- */

const results = [];
let scenarioName = "";

/* An error's message (up to 40 lines) and the first n lines of its stack. */
function firstLines(err, n = 3) {
  if (!(err instanceof Error)) return String(err);
  const msg = err.message.split("\n").filter((l) => l.trim()).slice(0, 40);
  const frames = (err.stack || "").split("\n").filter((l) => /^\s+at /.test(l)).slice(0, n);
  return [...msg, ...frames.map((l) => l.trim())].join("\n      ");
}

/* A path as short as it reads well: relative to the repository when inside it. */
function shown(p) {
  const r = path.relative(ROOT, p);
  return r && !r.startsWith("..") ? r : p;
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}

/*
 * Runs one step. On failure it records the error, saves a screenshot of page
 * (when given and still open) and, for a step others depend on, throws
 * Abort so that the scenario stops.
 */
class Abort extends Error {}

async function step(name, fn, { page = null, needed = false } = {}) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ scenario: scenarioName, name, ok: true });
    console.log(`  ok    ${name} (${Date.now() - t0} ms)`);
    return true;
  } catch (err) {
    results.push({ scenario: scenarioName, name, ok: false, err });
    console.log(`  FAIL  ${name} (${Date.now() - t0} ms)\n      ${firstLines(err)}`);
    if (page && !page.isClosed()) {
      const file = path.join(cfg.artifacts, `FAILED-${scenarioName}-${slug(name)}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
        console.log(`      screenshot: ${shown(file)} (at ${page.url()})`);
      } catch {
        /* the page may be gone; the error above is what matters */
      }
    }
    if (needed) throw new Abort(name);
    return false;
  }
}

/* ---- the server, outside the browser ---- */

async function api(token, method, p, body) {
  const init = { method, headers: { Authorization: `Bearer ${token}` } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(cfg.url + p, init);
  const text = await r.text();
  if (!r.ok) throw new Error(`API ${method} ${p} answered ${r.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const asUser = (method, p, body) => api(cfg.userToken, method, p, body);
const asOther = (method, p, body) => api(cfg.otherToken, method, p, body);

async function uploadImage(token, description) {
  const form = new FormData();
  form.append("file", new Blob([png(64, 48)], { type: "image/png" }), "loaves.png");
  form.append("description", description);
  return api(token, "POST", "/api/v2/media", form);
}

/* A small RGB PNG (a warm gradient), made here so the test needs no image files. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

function png(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; /* bit depth */
  ihdr[9] = 2; /* RGB */
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    const row = y * (1 + w * 3);
    for (let x = 0; x < w; x++) {
      raw[row + 1 + x * 3] = 200 + Math.round((55 * x) / w);
      raw[row + 2 + x * 3] = 90 + Math.round((80 * y) / h);
      raw[row + 3 + x * 3] = 30;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/* ---- the browser ---- */

let browser = null;
const problems = { offsite: [], scriptErrors: [] };

async function newContext(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  ctx.setDefaultTimeout(WAIT);
  ctx.setDefaultNavigationTimeout(15000);
  ctx.on("request", (req) => {
    if (!isLoopback(req.url()) && !/^(data|blob|about):/.test(req.url())) {
      problems.offsite.push(req.url());
    }
  });
  ctx.on("page", watchPage);
  return ctx;
}

/* Uncaught script errors and CSP refusals fail the scenario (hearth.js must run under the CSP). */
function watchPage(page) {
  page.on("pageerror", (e) => problems.scriptErrors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) {
      problems.scriptErrors.push(`${page.url()}: ${m.text()}`);
    }
  });
}

async function go(page, p, { status = 200 } = {}) {
  const r = await page.goto(cfg.url + p);
  if (!r) throw new Error(`GET ${p}: no response`);
  if (r.status() !== status) {
    throw new Error(`GET ${p} answered ${r.status()} (expected ${status}), at ${page.url()}`);
  }
  return r;
}

async function see(locator, what, timeout = WAIT) {
  try {
    await locator.first().waitFor({ state: "visible", timeout });
  } catch (e) {
    const why = e.message.split("\n")[0];
    throw new Error(`${what}: not shown within ${timeout} ms on ${locator.page().url()}\n${why}`);
  }
}

async function notSee(locator, what) {
  if (await locator.first().isVisible()) throw new Error(`${what}: shown on ${locator.page().url()}`);
}

/* Reloads p until locator shows (a timeline written by the server's jobs may lag a little). */
async function seeAfterReloads(page, p, locator, what, timeout = WAIT) {
  const end = Date.now() + timeout;
  for (;;) {
    await go(page, p);
    if (await locator.first().isVisible()) return;
    if (Date.now() > end) throw new Error(`${what}: not on ${p} after reloading for ${timeout} ms`);
    await page.waitForTimeout(300);
  }
}

function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

function card(page, text) {
  return page.locator("article.status").filter({ hasText: text });
}

function button(scope, name) {
  return scope.getByRole("button", { name, exact: true });
}

async function login(page, name) {
  await go(page, "/login");
  await page.getByLabel("Username or e-mail").fill(name);
  await page.getByLabel("Password").fill(cfg.password);
  const [r] = await Promise.all([
    page.waitForResponse((x) => x.request().method() === "POST" &&
      new URL(x.url()).pathname === "/login"),
    button(page.locator("main"), "Log in").click(),
  ]);
  if (r.status() !== 303) {
    await page.waitForLoadState();
    const why = await page.getByRole("alert").allInnerTexts();
    throw new Error(`POST /login answered ${r.status()}: ${why.join(" ") || "(no message)"}`);
  }
  await page.waitForURL((u) => u.pathname === "/home");
}

/* Resolves when the page's live stream (hearth.js's EventSource) has been answered. */
function streamOpened(page, kind = "/api/v1/streaming/user") {
  return page.waitForResponse((r) => new URL(r.url()).pathname === kind && r.status() === 200, {
    timeout: WAIT,
  });
}

/* ---- scenarios ---- */

const SCENARIOS = {
  /* 1: a visitor without an account reads a member's profile and one post. */
  async visitor() {
    const other = cfg.other;
    const text = `Visitors welcome: the bakery opens at eight ${Date.now()}`;
    const hidden = `Only for the people who follow me ${Date.now()}`;
    let post;
    await step("bob posts in public and for followers only (API)", async () => {
      post = await asOther("POST", "/api/v1/statuses", { status: text, visibility: "public" });
      await asOther("POST", "/api/v1/statuses", { status: hidden, visibility: "private" });
    }, { needed: true });
    const ctx = await newContext();
    const page = await ctx.newPage();
    await step(`the visitor sees /@${other} with the public post`, async () => {
      await go(page, `/@${other}`);
      await see(page.getByRole("heading", { level: 1, name: other }), "the profile's name");
      await see(card(page, text), "bob's public post");
      await notSee(page.getByText(hidden), "bob's followers-only post");
      await see(page.getByRole("link", { name: "Log in", exact: true }), "the Log in link");
      await notSee(button(page, "Follow"), "a Follow button for a visitor");
    }, { page });
    await step("the visitor opens the post from the profile and reads it", async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/@${other}/${post.id}`),
        page.locator(`#status-${post.id}-by`).click(),
      ]);
      await see(page.locator(".focus article.status").filter({ hasText: text }), "the post's text");
      await notSee(button(page, "Favourite"), "a Favourite button for a visitor");
    }, { page });
    await step("the visitor reads the post at its address", async () => {
      await go(page, `/@${other}/${post.id}`);
      await see(page.getByText(text), "the post's text");
    }, { page });
    await step("a member page sends the visitor to /login", async () => {
      await page.goto(cfg.url + "/home");
      if (pathOf(page) !== "/login?return_to=%2Fhome") throw new Error(`/home went to ${pathOf(page)}`);
    }, { page });
    await ctx.close();
  },

  /* 2a: a member logs in, favourites a post, follows bob and sees his new post at home. */
  async member() {
    const other = cfg.other;
    const stamp = Date.now();
    const first = `Rye needs a longer proof than wheat ${stamp}`;
    const later = `The oven is hot, come by ${stamp}`;
    let firstPost;
    await step("bob posts (API)", async () => {
      firstPost = await asOther("POST", "/api/v1/statuses", { status: first, visibility: "public" });
    }, { needed: true });
    const ctx = await newContext();
    const page = await ctx.newPage();
    await step("alice logs in at /login", () => login(page, cfg.user), { page, needed: true });
    await step("her home timeline does not show bob's post yet", async () => {
      await go(page, "/home");
      await see(page.getByRole("heading", { level: 1, name: "Home" }), "the Home heading");
      await notSee(card(page, first), "bob's post before following him");
    }, { page });
    await step("she favourites bob's post on /local: the button becomes Unfavourite", async () => {
      await go(page, "/local");
      const c = card(page, first);
      await see(c, "bob's post on /local");
      await button(c, "Favourite").click();
      await see(button(card(page, first), "Unfavourite"), "the Unfavourite button");
      if (pathOf(page) !== "/local") throw new Error(`after favouriting she is at ${pathOf(page)}`);
      const pressed = await button(card(page, first), "Unfavourite").getAttribute("aria-pressed");
      if (pressed !== "true") throw new Error(`aria-pressed is ${pressed}`);
      const s = await asOther("GET", `/api/v1/statuses/${firstPost.id}`);
      if (s.favourites_count !== 1) throw new Error(`favourites_count is ${s.favourites_count}`);
    }, { page });
    await step(`she follows bob from /@${other}: the button becomes Unfollow`, async () => {
      await go(page, `/@${other}`);
      await button(page.locator(".profile-actions"), "Follow").click();
      await see(button(page.locator(".profile-actions"), "Unfollow"), "the Unfollow button");
      const rel = await asUser("GET", `/api/v1/accounts/relationships?id[]=${firstPost.account.id}`);
      if (!rel[0] || !rel[0].following) throw new Error(`relationship: ${JSON.stringify(rel)}`);
    }, { page });
    await step("bob's earlier post is now on her home timeline", async () => {
      await seeAfterReloads(page, "/home", card(page, first), "bob's earlier post");
    }, { page });
    await step("bob posts again (API) and it appears on /home without a reload", async () => {
      const opened = streamOpened(page);
      await go(page, "/home");
      await opened;
      await page.evaluate(() => { window.hearthNotReloaded = true; });
      await asOther("POST", "/api/v1/statuses", { status: later, visibility: "public" });
      await see(card(page, later), "bob's new post, live");
      if (!(await page.evaluate(() => window.hearthNotReloaded === true))) {
        throw new Error("the page was reloaded");
      }
    }, { page });
    await step("bob's new post is on /home after a reload", async () => {
      await seeAfterReloads(page, "/home", card(page, later), "bob's new post");
    }, { page });
    await ctx.close();
  },

  /* 2b: the composer: a post with a content warning and an image, and a reply. */
  async compose() {
    const user = cfg.user;
    const stamp = Date.now();
    const cw = `Bread talk ${stamp}`;
    const text = `Ten loaves out of the oven this morning ${stamp}`;
    const alt = "Ten brown loaves cooling on a rack";
    const bobText = `Who has a good recipe for seed bread? ${stamp}`;
    const reply = `@${cfg.other} soak the seeds overnight ${stamp}`;
    let bobPost;
    await step("bob posts a question (API)", async () => {
      bobPost = await asOther("POST", "/api/v1/statuses", { status: bobText, visibility: "public" });
    }, { needed: true });
    const ctx = await newContext();
    const page = await ctx.newPage();
    await step("alice logs in at /login", () => login(page, user), { page, needed: true });
    let postPath = "";
    const form = page.locator("form#compose");
    let counted = "";
    await step("she fills in /compose: text, content warning, an image and its description", async () => {
      await go(page, "/compose");
      await see(form, "the compose form");
      counted = (await page.locator("output#char-count").textContent()) || "";
      await page.locator("#status").fill(text);
      await page.getByLabel("Content warning").fill(cw);
      await page.locator("#media").setInputFiles({
        name: "loaves.png", mimeType: "image/png", buffer: png(64, 48),
      });
      await page.locator("#media_description").fill(alt);
    }, { page, needed: true });
    await step("the character count follows what she types", async () => {
      const out = page.locator("output#char-count");
      const end = Date.now() + 3000;
      let now = await out.textContent();
      while (now === counted && Date.now() < end) {
        await page.waitForTimeout(100);
        now = await out.textContent();
      }
      if (now === counted) throw new Error(`#char-count still says "${now}"`);
    }, { page });
    await step("she posts it and lands on the post's page", async () => {
      await Promise.all([
        page.waitForURL((u) => new RegExp(`^/@${user}/\\d+$`).test(u.pathname)),
        button(form, "Post").click(),
      ]);
      postPath = new URL(page.url()).pathname;
    }, { page, needed: true });
    await step("her post's page shows the warning, and the text and image behind it", async () => {
      const c = page.locator(".focus article.status");
      await see(c.locator(".cw-text", { hasText: cw }), "the content warning");
      await notSee(c.getByText(text), "the text before opening the warning");
      await c.locator("details.cw > summary").click();
      await see(c.getByText(text), "the text after opening the warning");
      const img = c.getByRole("img", { name: alt });
      /* A post with a warning has its media marked sensitive too, behind a second <details>. */
      const sensitive = c.locator("details.sensitive > summary");
      if (await sensitive.count()) {
        await notSee(img, "the image before showing the sensitive media");
        await sensitive.click();
      }
      await see(img, "the image with its description");
      const loaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
      if (!loaded) throw new Error("the image did not load");
    }, { page });
    for (const tl of ["/home", "/local"]) {
      await step(`${tl} shows the warning, with the post behind a closed <details>`, async () => {
        const c = page.locator("article.status")
          .filter({ has: page.locator(".cw-text", { hasText: cw }) });
        await seeAfterReloads(page, tl, c, "her post's content warning");
        const open = await c.first().locator("details.cw").evaluate((d) => d.open);
        if (open) throw new Error("the <details> is open");
        await notSee(c.getByText(text), "the text behind the warning");
        const a = c.first().locator(`a[href="${postPath}"]`);
        if ((await a.count()) === 0) throw new Error(`no link to ${postPath} on the card`);
      }, { page });
    }
    let replyPath = "";
    await step("she replies to bob's post from its Reply link", async () => {
      await go(page, "/local");
      const c = card(page, bobText);
      await see(c, "bob's post on /local");
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/compose" &&
          u.searchParams.get("in_reply_to") === bobPost.id),
        c.getByRole("link", { name: "Reply", exact: true }).click(),
      ]);
      const hidden = page.locator('form#compose input[name="in_reply_to_id"]');
      if ((await hidden.getAttribute("value")) !== bobPost.id) {
        throw new Error(`in_reply_to_id is ${await hidden.getAttribute("value")}`);
      }
      await see(page.getByText(bobText), "the post replied to");
      await page.locator("#status").fill(reply);
      await Promise.all([
        page.waitForURL((u) => new RegExp(`^/@${user}/\\d+$`).test(u.pathname)),
        button(page.locator("form#compose"), "Post").click(),
      ]);
      replyPath = new URL(page.url()).pathname;
      await see(page.locator(".focus").getByText(`soak the seeds overnight ${stamp}`), "her reply");
      await see(page.locator("section.thread").getByText(bobText), "bob's post above the reply");
      const id = replyPath.split("/").pop();
      const s = await asUser("GET", `/api/v1/statuses/${id}`);
      if (s.in_reply_to_id !== bobPost.id) throw new Error(`in_reply_to_id is ${s.in_reply_to_id}`);
    }, { page });
    await ctx.close();
  },

  /* 3: notifications arrive live with JavaScript, and on reload without it. */
  async live() {
    const stamp = Date.now();
    const mine = `Open house at the bakery on Sunday ${stamp}`;
    const mention = `@${cfg.user} can I bring the rye starter? ${stamp}`;
    const mention2 = `@${cfg.user} see you Sunday then ${stamp}`;
    let post;
    await step("alice posts (API)", async () => {
      post = await asUser("POST", "/api/v1/statuses", { status: mine, visibility: "public" });
    }, { needed: true });

    const ctx = await newContext();
    const page = await ctx.newPage();
    await step("alice logs in at /login (JavaScript on)", () => login(page, cfg.user), {
      page, needed: true,
    });
    await step("bob favourites her post (API): it shows on /notifications without a reload", async () => {
      const opened = streamOpened(page);
      await go(page, "/notifications");
      await see(page.getByRole("heading", { level: 1, name: "Notifications" }), "the heading");
      await opened;
      await page.evaluate(() => { window.hearthNotReloaded = true; });
      await asOther("POST", `/api/v1/statuses/${post.id}/favourite`);
      const n = page.locator("article.notification").filter({ hasText: mine });
      await see(n, "the favourite's notification, live");
      await see(n.getByRole("link", { name: cfg.other }), "who favourited");
      if (!(await page.evaluate(() => window.hearthNotReloaded === true))) {
        throw new Error("the page was reloaded");
      }
    }, { page });
    await step("bob mentions her (API): that appears too, above the first", async () => {
      await asOther("POST", "/api/v1/statuses", { status: mention, visibility: "public" });
      const n = page.locator("article.notification")
        .filter({ hasText: `can I bring the rye starter? ${stamp}` });
      await see(n, "the mention's notification, live");
      const firstText = await page.locator("article.notification").first().innerText();
      if (!firstText.includes("rye starter")) throw new Error(`the newest is not on top: ${firstText}`);
    }, { page });

    const off = await newContext({ javaScriptEnabled: false });
    const page2 = await off.newPage();
    await step("alice logs in at /login (JavaScript off)", () => login(page2, cfg.user), {
      page: page2, needed: true,
    });
    await step("with JavaScript off, bob's next mention shows after a reload", async () => {
      await go(page2, "/notifications");
      const earlier = page2.locator("article.notification").filter({ hasText: "rye starter" });
      await see(earlier, "the earlier mention");
      await asOther("POST", "/api/v1/statuses", { status: mention2, visibility: "public" });
      await page2.waitForTimeout(1000);
      await notSee(page2.getByText(`see you Sunday then ${stamp}`), "the new mention before a reload");
      await seeAfterReloads(page2, "/notifications",
        page2.locator("article.notification").filter({ hasText: `see you Sunday then ${stamp}` }),
        "the new mention");
    }, { page: page2 });
    await off.close();
    await ctx.close();
  },

  /* 4: profile settings, then logging out. */
  async profile() {
    const user = cfg.user;
    const name = "Alice Baker";
    const bio = `Bakes bread on Saturdays, ${Date.now()}.`;
    const ctx = await newContext();
    const page = await ctx.newPage();
    await step("alice logs in at /login", () => login(page, user), { page, needed: true });
    const saved = await step("she saves a display name and bio at /settings/profile", async () => {
      await go(page, "/settings/profile");
      await page.locator("#display_name").fill(name);
      await page.locator("#note").fill(bio);
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/settings/profile"),
        button(page.locator("main"), "Save profile").click(),
      ]);
      const saidSo = page.getByRole("status").filter({ hasText: "Profile saved." });
      await see(saidSo, "the message Profile saved.");
    }, { page });
    if (saved) {
      await step(`/@${user} shows the new name and bio`, async () => {
        await go(page, `/@${user}`);
        await see(page.getByRole("heading", { level: 1, name }), "the display name");
        await see(page.locator(".bio").getByText(bio), "the bio");
      }, { page });
    } else {
      console.log(`  skip  /@${user} shows the new name and bio (nothing was saved)`);
    }
    await step("she logs out with the navigation's Log out button", async () => {
      await go(page, "/home");
      await Promise.all([
        page.waitForURL((u) => u.pathname !== "/home"),
        button(page.getByRole("navigation", { name: "Main" }), "Log out").click(),
      ]);
      await see(page.getByRole("link", { name: "Log in", exact: true }), "the Log in link");
    }, { page });
    await step("/home then sends her to /login", async () => {
      await page.goto(cfg.url + "/home");
      if (pathOf(page) !== "/login?return_to=%2Fhome") throw new Error(`/home went to ${pathOf(page)}`);
      await see(page.getByLabel("Password"), "the login form");
    }, { page });
    await ctx.close();
  },

  /* 6: alice makes joining invite-only, writes a rule, sends an invite link; a newcomer joins with it. */
  async invite() {
    const rule = `Be kind to each other ${Date.now()}`;
    const admin = await newContext();
    const page = await admin.newPage();
    await step("alice logs in at /login", () => login(page, cfg.user), { page, needed: true });
    await step("on /admin/join she makes joining invite-only and adds a rule", async () => {
      await go(page, "/admin/join");
      await page.getByLabel("Registrations").selectOption("invite");
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/admin/join"),
        button(page.locator("main"), "Save").click(),
      ]);
      await page.getByLabel("New rule").fill(rule);
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/admin/join"),
        button(page.locator("main"), "Add the rule").click(),
      ]);
      await see(page.getByRole("status").filter({ hasText: "Saved." }), "the message Saved.");
    }, { page, needed: true });
    let link = "";
    await step("she makes an invite link for one person", async () => {
      await page.locator("#invites-title ~ form").getByLabel("How many people may use it").selectOption("1");
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/admin/join"),
        button(page.locator("main"), "Make an invite link").click(),
      ]);
      link = await page.locator("input.invite-url").first().inputValue();
      if (!/\/invite\/[A-Za-z0-9]+$/.test(link)) throw new Error(`no invite link: ${link}`);
    }, { page, needed: true });
    const visitor = await newContext();
    const guest = await visitor.newPage();
    await step("a newcomer opens the link: the server, its rules, who invited her", async () => {
      await go(guest, new URL(link).pathname);
      await see(guest.getByRole("heading", { level: 1, name: /^Join / }), "the sign-up heading");
      await see(guest.getByText(`You were invited by @${cfg.user}`), "who invited her");
      await see(guest.getByText(rule), "the rule");
    }, { page: guest, needed: true });
    await step("she signs up and lands on the welcome page", async () => {
      await guest.getByLabel("Username", { exact: true }).fill("newcomer");
      await guest.getByLabel("E-mail").fill("newcomer@example.net");
      await guest.getByLabel("Password", { exact: true }).fill(cfg.password);
      await guest.getByLabel("Password again").fill(cfg.password);
      await guest.getByLabel(/I have read the rules/).check();
      await Promise.all([
        guest.waitForURL((u) => u.pathname === "/welcome"),
        button(guest.locator("main"), "Sign up").click(),
      ]);
      await see(guest.getByRole("heading", { level: 1, name: /^Welcome to / }), "the welcome heading");
      await see(guest.getByText(rule), "the rules on the welcome page");
      await see(guest.getByText(`invite from @${cfg.user}`), "who invited her");
      await see(guest.locator("#staff-title ~ ul").getByText(`@${cfg.user}`), "the admin");
    }, { page: guest, needed: true });
    await step("from the welcome page she meets everyone on /directory", async () => {
      await Promise.all([
        guest.waitForURL((u) => u.pathname === "/directory"),
        guest.getByRole("link", { name: "Meet everyone" }).click(),
      ]);
      await see(guest.getByText(`@${cfg.other}`, { exact: true }), "bob in the directory");
      await see(guest.getByText("@newcomer", { exact: true }), "herself in the directory");
    }, { page: guest });
    await step("the used-up link is refused to the next visitor", async () => {
      const other = await (await newContext()).newPage();
      await go(other, new URL(link).pathname, { status: 410 });
      await see(other.getByText(/used up/), "the reason");
    }, { page: guest });
    await visitor.close();
    await admin.close();
  },

  /* 7: joining needs approval: a visitor asks with a reason, alice approves on the page, welcome. */
  async approval() {
    const reason = `I bake bread on the corner ${Date.now()}`;
    const admin = await newContext();
    const page = await admin.newPage();
    await step("alice logs in and makes joining need approval", async () => {
      await login(page, cfg.user);
      await go(page, "/admin/join");
      await page.getByLabel("Registrations").selectOption("approval");
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/admin/join"),
        button(page.locator("main"), "Save").click(),
      ]);
    }, { page, needed: true });
    const visitor = await newContext();
    const guest = await visitor.newPage();
    await step("a visitor follows Ask to join from the front page and asks, with a reason", async () => {
      await go(guest, "/");
      await Promise.all([
        guest.waitForURL((u) => u.pathname === "/signup"),
        guest.getByRole("link", { name: "Ask to join" }).click(),
      ]);
      await guest.getByLabel("Username", { exact: true }).fill("applicant");
      await guest.getByLabel("E-mail").fill("applicant@example.net");
      await guest.getByLabel("Password", { exact: true }).fill(cfg.password);
      await guest.getByLabel("Password again").fill(cfg.password);
      await guest.getByLabel("Why do you want to join?").fill(reason);
      await guest.getByLabel(/I have read the rules/).check();
      await button(guest.locator("main"), "Sign up").click();
      await see(guest.getByRole("status").filter({ hasText: "waits for the admins" }), "the thank-you");
    }, { page: guest, needed: true });
    await step("she cannot log in before the approval", async () => {
      await go(guest, "/login?return_to=/welcome");
      await guest.getByLabel("Username or e-mail").fill("applicant");
      await guest.getByLabel("Password").fill(cfg.password);
      await button(guest.locator("main"), "Log in").click();
      await see(guest.getByRole("alert").filter({ hasText: "Wrong username or password" }), "the refusal");
    }, { page: guest, needed: true });
    await step("alice reads the reason on /admin/join and approves", async () => {
      await go(page, "/admin/join");
      await see(page.getByText(reason), "the reason");
      await Promise.all([
        page.waitForURL((u) => u.pathname === "/admin/join"),
        button(page.locator("main"), "Approve @applicant").click(),
      ]);
      await notSee(page.getByText(reason), "the approved request");
    }, { page, needed: true });
    await step("the newcomer logs in and sees the welcome page, the rules and the people", async () => {
      await go(guest, "/login?return_to=/welcome");
      await guest.getByLabel("Username or e-mail").fill("applicant");
      await guest.getByLabel("Password").fill(cfg.password);
      await Promise.all([
        guest.waitForURL((u) => u.pathname === "/welcome"),
        button(guest.locator("main"), "Log in").click(),
      ]);
      await see(guest.getByRole("heading", { level: 1, name: /^Welcome to / }), "the welcome heading");
      await see(guest.getByRole("heading", { name: "The rules here" }), "the rules");
      await see(guest.locator("#staff-title ~ ul").getByText(`@${cfg.user}`), "the admin");
      await see(guest.locator("#people-title ~ ul").getByText(`@${cfg.other}`), "bob among the people");
    }, { page: guest });
    await visitor.close();
    await admin.close();
  },

  /* 5: screenshots at 375 and 1280 px of the main pages, and axe-core on each. */
  async pages() {
    const user = cfg.user;
    const stamp = Date.now();
    let withImage;
    await step("alice and bob post (API): image, content warning, poll, mention", async () => {
      const media = await uploadImage(cfg.userToken, "Ten brown loaves cooling on a rack");
      withImage = await asUser("POST", "/api/v1/statuses", {
        status: `Ten loaves out of the oven this morning #bread ${stamp}`,
        media_ids: [media.id], visibility: "public",
      });
      await asUser("POST", "/api/v1/statuses", {
        status: "The starter died. Again.", spoiler_text: "Baking failure", visibility: "public",
      });
      await asUser("POST", "/api/v1/statuses", {
        status: "Which flour do you use?",
        poll: { options: ["Rye", "Spelt", "Wheat"], expires_in: 86400 }, visibility: "public",
      });
      const m = await asOther("POST", "/api/v1/statuses", {
        status: `@${user} those look great! ${stamp}`, visibility: "public",
      });
      await asOther("POST", `/api/v1/statuses/${withImage.id}/favourite`);
      await asOther("POST", `/api/v1/statuses/${withImage.id}/reblog`);
      await asUser("POST", `/api/v1/statuses/${m.id}/favourite`);
    }, { needed: true });

    const all = [
      { name: "front", path: "/", member: false },
      { name: "about", path: "/about", member: false },
      { name: "profile", path: `/@${user}`, member: false },
      { name: "post", path: `/@${user}/${withImage.id}`, member: false },
      { name: "login", path: "/login", member: false },
      { name: "home", path: "/home", member: true },
      { name: "notifications", path: "/notifications", member: true },
      { name: "profile-member", path: `/@${cfg.other}`, member: true },
      { name: "compose", path: "/compose", member: true },
      { name: "settings-profile", path: "/settings/profile", member: true },
    ];
    const wanted = cfg.pages.length ? all.filter((p) => cfg.pages.includes(p.name)) : all;
    const unknown = cfg.pages.filter((n) => !all.some((p) => p.name === n));
    if (unknown.length) throw new Error(`unknown page names: ${unknown.join(", ")}`);

    /* axe needs its script in the page; the pages' CSP allows only 'self', hence bypassCSP. */
    const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    const visitor = await newContext({ bypassCSP: true });
    const member = await newContext({ bypassCSP: true });
    const vpage = await visitor.newPage();
    const mpage = await member.newPage();
    await step("alice logs in at /login", () => login(mpage, user), { page: mpage, needed: true });

    for (const p of wanted) {
      const page = p.member ? mpage : vpage;
      await step(`${p.name} (${p.path}): screenshots, axe, no sideways scrolling`, async () => {
        const found = [];
        let wide = null;
        for (const scheme of ["light", "dark"]) {
          await page.emulateMedia({ colorScheme: scheme });
          for (const width of [375, 1280]) {
            await page.setViewportSize({ width, height: 800 });
            await go(page, p.path);
            if (scheme === "light") {
              const file = path.join(cfg.artifacts, `${p.name}-${width}.png`);
              await page.screenshot({ path: file, fullPage: true });
            }
            const where = `${scheme} ${width}px`;
            found.push(...(await axe(page, axeSource)).map((v) => ({ ...v, where })));
            if (width === 375 && scheme === "light") wide = await overflow(page);
          }
        }
        report(p, found, wide);
      }, { page });
    }
    await visitor.close();
    await member.close();
  },
};

/*
 * axe-core's findings on the page as it is now: its default rules (WCAG 2.0
 * and 2.1 A and AA, best practices) and WCAG 2.2's target size, which
 * matters most on a phone. "Needs review" results come back as impact
 * "review" and are only printed.
 */
async function axe(page, source) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ content: source });
  }
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { rules: { "target-size": { enabled: true } } });
    const brief = (v, impact) => ({
      id: v.id, impact: impact || v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "), html: n.html.slice(0, 160),
        summary: (n.failureSummary || "").split("\n").slice(1, 3).join(" ").trim(),
      })),
    });
    return {
      passes: res.passes.length,
      found: [...res.violations.map((v) => brief(v)), ...res.incomplete.map((v) => brief(v, "review"))],
    };
  });
  if (r.passes === 0) throw new Error("axe-core checked nothing on the page");
  return r.found;
}

/*
 * Whether the page is wider than the viewport (it would scroll sideways on a
 * phone: WCAG 1.4.10, reflow); then the outermost elements that stick out.
 */
async function overflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const w = root.clientWidth;
    if (root.scrollWidth <= w) return null;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
      [...el.classList].map((c) => `.${c}`).join("");
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      const parent = el.parentElement.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 0.5 && parent.right <= w + 0.5) {
        const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
        out.push(`${name(el)} "${text}": ${Math.round(r.width)} px wide, to ${Math.round(r.right)} px`);
      }
    }
    return { width: root.scrollWidth, viewport: w, culprits: out.slice(0, 6) };
  });
}

/*
 * Prints every axe finding once (with where it was seen); throws on serious
 * and critical ones, and when the page scrolls sideways at 375 px.
 */
function report(p, found, wide) {
  const byKey = new Map();
  for (const v of found) {
    for (const n of v.nodes) {
      const key = `${v.id}|${n.target}`;
      const seen = byKey.get(key);
      if (seen) seen.where.add(v.where);
      else byKey.set(key, { ...v, node: n, where: new Set([v.where]) });
    }
  }
  const bad = [];
  for (const v of byKey.values()) {
    const line = `axe ${p.name} [${v.impact}] ${v.id}: ${v.help}\n` +
      `        at ${v.node.target} (${[...v.where].join(", ")})\n` +
      `        ${v.node.html}\n        ${v.node.summary}`;
    if (v.impact === "serious" || v.impact === "critical") bad.push(line);
    else console.log(`  note  ${line}`);
  }
  if (wide) {
    bad.push(`at 375 px the page is ${wide.width} px wide (viewport ${wide.viewport} px), ` +
      `so it scrolls sideways; what sticks out:\n        ${wide.culprits.join("\n        ")}`);
  }
  if (bad.length) throw new Error(`${p.name}: ${bad.length} problem(s):\n${bad.join("\n")}`);
}

/* ---- main ---- */

async function main() {
  if (!scenarios.length) usage("name at least one scenario");
  for (const s of scenarios) if (!SCENARIOS[s]) usage(`unknown scenario ${s}`);
  if (!cfg.url) usage("no server URL (--url or HEARTH_URL)");
  if (!isLoopback(cfg.url)) usage(`${cfg.url} is not on loopback; these tests only talk to 127.0.0.1`);
  if (!cfg.password) usage("no password (--password or HEARTH_PASSWORD)");
  if (!cfg.userToken || !cfg.otherToken) usage("HEARTH_USER_TOKEN and HEARTH_OTHER_TOKEN are needed");
  mkdirSync(cfg.artifacts, { recursive: true });

  const watchdog = setTimeout(() => {
    console.error(`scenario.mjs: gave up after ${cfg.budget} s (HEARTH_BROWSER_BUDGET)`);
    process.exit(3);
  }, cfg.budget * 1000);
  watchdog.unref();

  try {
    browser = await chromium.launch({
      executablePath: cfg.chromium,
      /* Only loopback: every other host name fails to resolve. */
      args: [
        "--no-sandbox",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      ],
      timeout: 30000,
    });
  } catch (e) {
    console.error(`scenario.mjs: Chromium (${cfg.chromium}) did not start: ${firstLines(e, 4)}\n` +
      "Install it with `apt-get install chromium` (or `make browser-deps`).");
    process.exit(1);
  }
  console.log(`Chromium ${browser.version()} against ${cfg.url}; artifacts in ${shown(cfg.artifacts)}`);

  for (const s of scenarios) {
    scenarioName = s;
    problems.offsite.length = 0;
    problems.scriptErrors.length = 0;
    console.log(`scenario ${s}`);
    /* Screenshots of failures of an earlier run would mislead. */
    for (const f of readdirSync(cfg.artifacts)) {
      if (f.startsWith(`FAILED-${s}-`)) rmSync(path.join(cfg.artifacts, f));
    }
    try {
      await SCENARIOS[s]();
    } catch (e) {
      if (!(e instanceof Abort)) {
        results.push({ scenario: s, name: "(scenario)", ok: false, err: e });
        console.log(`  FAIL  (scenario) ${firstLines(e)}`);
      } else {
        console.log(`  stop  the remaining steps need "${e.message}"`);
      }
    }
    await step("the browser reached no other host", async () => {
      if (problems.offsite.length) {
        throw new Error(`requests elsewhere: ${problems.offsite.slice(0, 5).join(", ")}`);
      }
    });
    await step("no script errors and no CSP refusals", async () => {
      if (problems.scriptErrors.length) throw new Error(problems.scriptErrors.slice(0, 5).join("\n"));
    });
  }
  await browser.close();

  const failed = results.filter((r) => !r.ok);
  const passed = results.length - failed.length;
  const summary = results.map((r) => ({
    scenario: r.scenario, step: r.name, ok: r.ok, error: r.ok ? undefined : firstLines(r.err, 12),
  }));
  const run = slug([...scenarios, ...cfg.pages].join("-"));
  writeFileSync(path.join(cfg.artifacts, `results-${run}.json`),
    JSON.stringify(summary, null, 1));
  console.log(`${passed} steps passed, ${failed.length} failed`);
  for (const f of failed) console.log(`FAILED ${f.scenario}: ${f.name}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`scenario.mjs: ${firstLines(e, 10)}`);
  process.exit(1);
});
