// An independent ActivityPub peer for Hearth's integration tests, built on
// Fedify. It listens on 127.0.0.1:PORT (argv[2] or PEER_PORT) with one actor,
// "fedi" (a Person with an RSA and an Ed25519 key pair made at start), and
// prints "ready" on stdout once it accepts connections.
//
// Federation (served by Fedify):
//   /users/fedi                 the actor
//   /users/fedi/inbox, /inbox   inboxes; Follows are accepted at once
//   /users/fedi/outbox          the Creates it has sent
//   /users/fedi/followers       its followers
//   /users/fedi/posts/{id}      its Notes
//
// Control API for the test (JSON):
//   POST /control/follow   {actor_url}  Follow a remote actor by its URL
//   POST /control/post     {content}    Create(Note), public, to followers
//   POST /control/fetch    {url, signed} GET an object, signed as fedi or not
//   GET  /control/received              activities that reached the inbox
//   GET  /control/followers             follower actor ids
//   GET  /control/following             follows sent and their state
//   GET  /control/requests              HTTP requests the peer answered
//   GET  /control/sent                  HTTP requests the peer made
//   GET  /control/errors                delivery and listener errors
//
// Everything lives in memory for the life of the process. Fedify verifies
// the signature of every inbox POST before a listener runs (an unverified one
// is answered 401 and reported to onUnverifiedActivity), so each entry of
// /control/received carries verified=true plus the signature scheme and key
// the request carried; failures land in /control/errors.

import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

// Fedify reads navigator.userAgent; node 20 has no navigator.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node}` };

const port = Number(process.argv[2] ?? process.env.PEER_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error("usage: node peer.mjs PORT (or PEER_PORT=PORT)");
  process.exit(2);
}
const origin = `http://127.0.0.1:${port}`;
const LOG_MAX = 2000; /* entries kept in each log */
const BODY_MAX = 64 * 1024; /* characters of a body kept in a log entry */

const received = [];
const requests = [];
const sent = [];
const errors = [];
const followers = new Map(); /* actor id -> {id, inbox, sharedInbox} */
const following = new Map(); /* follow id -> {follow_id, target, state} */
const notes = new Map(); /* local id -> {note, create} */

function push(log, entry) {
  log.push(entry);
  if (log.length > LOG_MAX) log.shift();
}

function clip(s) {
  return s.length > BODY_MAX ? s.slice(0, BODY_MAX) + "…" : s;
}

/* The signature scheme and key id a request's headers carry. */
function signatureOf(headers) {
  const input = headers.get("signature-input");
  if (input) {
    const m = /keyid="([^"]*)"/i.exec(input);
    return { scheme: "rfc9421", key_id: m ? m[1] : null };
  }
  const sig = headers.get("signature");
  if (sig) {
    const m = /keyId="([^"]*)"/.exec(sig);
    return { scheme: "draft-cavage", key_id: m ? m[1] : null };
  }
  return { scheme: null, key_id: null };
}

const SIG_HEADERS = [
  "accept",
  "content-type",
  "date",
  "host",
  "digest",
  "content-digest",
  "signature-input",
  "signature",
];

function pickHeaders(headers) {
  const out = {};
  for (const h of SIG_HEADERS) {
    const v = headers.get(h);
    if (v != null) out[h] = v;
  }
  return out;
}

// Every request Fedify makes goes through the global fetch, looked up at call
// time; wrapping it records what was sent (headers as signed) and the answer.
const realFetch = globalThis.fetch;
globalThis.fetch = async function recordingFetch(input, init) {
  const req = input instanceof Request && init === undefined ? input : new Request(input, init);
  const entry = {
    at: new Date().toISOString(),
    method: req.method,
    url: req.url,
    ...signatureOf(req.headers),
    headers: pickHeaders(req.headers),
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      entry.body = clip(await req.clone().text());
    } catch {
      /* a one-shot stream; keep the headers only */
    }
  }
  push(sent, entry);
  try {
    const res = await realFetch(req);
    entry.status = res.status;
    if (res.status >= 400) {
      entry.response_headers = Object.fromEntries(res.headers.entries());
      entry.response_body = clip(await res.clone().text());
    }
    return res;
  } catch (e) {
    entry.error = String(e?.cause ?? e);
    throw e;
  }
};

const { configure, getLogger, getTextFormatter } = await import("@logtape/logtape");
const { createFederation, generateCryptoKeyPair, InProcessMessageQueue, MemoryKvStore } =
  await import("@fedify/fedify");
const {
  Accept,
  Activity,
  Create,
  Endpoints,
  Follow,
  isActor,
  Note,
  PUBLIC_COLLECTION,
  Person,
  Reject,
  Undo,
  Update,
} = await import("@fedify/vocab");
const { Temporal } = await import("@js-temporal/polyfill");
const { serve } = await import("@hono/node-server");
const { Hono } = await import("hono");

const textFormatter = getTextFormatter();
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: (record) => process.stderr.write(textFormatter(record)) },
  loggers: [
    {
      category: "fedify",
      lowestLevel: process.env.PEER_LOG_LEVEL ?? "info",
      sinks: ["stderr"],
    },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    { category: "peer", lowestLevel: "debug", sinks: ["stderr"] },
  ],
});
const log = getLogger("peer");

const keyPairs = [
  await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"),
  await generateCryptoKeyPair("Ed25519"),
];

const federation = createFederation({
  kv: new MemoryKvStore(),
  queue: new InProcessMessageQueue(),
  origin,
  allowPrivateAddress: true,
  onOutboxError: (error, activity) => {
    push(errors, {
      at: new Date().toISOString(),
      where: "outbox",
      activity: activity?.id?.href ?? null,
      error: String(error),
    });
  },
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "fedi") return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedi Peer",
      summary: "An ActivityPub peer built on Fedify",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      discoverable: true,
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === "fedi" ? keyPairs : []));

federation
  .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
    if (identifier !== "fedi") return null;
    const items = [...followers.values()].map((f) => ({
      id: new URL(f.id),
      inboxId: new URL(f.inbox),
      endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
    }));
    return { items };
  })
  .setCounter((_ctx, identifier) => (identifier === "fedi" ? followers.size : null));

federation
  .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
    if (identifier !== "fedi") return null;
    return { items: [...notes.values()].map((n) => n.create).reverse() };
  })
  .setCounter((_ctx, identifier) => (identifier === "fedi" ? notes.size : null));

federation.setObjectDispatcher(Note, "/users/{identifier}/posts/{id}", (_ctx, values) => {
  if (values.identifier !== "fedi") return null;
  return notes.get(values.id)?.note ?? null;
});

/* The inbound request that carried activity id, if any. */
function requestFor(id) {
  for (let i = requests.length - 1; i >= 0; i--) {
    if (requests[i].activity_id === id) return requests[i];
  }
  return null;
}

/* Records an activity that reached a listener (so its signature verified). */
async function record(ctx, activity) {
  const id = activity.id?.href ?? null;
  const req = id ? requestFor(id) : null;
  const entry = {
    at: new Date().toISOString(),
    id,
    type: req?.activity_type ?? activity.constructor.name,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
    recipient: ctx.recipient,
    verified: true,
    signature: req ? { scheme: req.scheme, key_id: req.key_id } : null,
    raw: req?.json ?? null,
  };
  if (activity instanceof Create || activity instanceof Update) {
    try {
      const obj = await activity.getObject(ctx);
      if (obj) {
        entry.object_type = obj.constructor.name;
        entry.content = obj.content?.toString() ?? null;
        entry.attributed_to = obj.attributionId?.href ?? null;
        entry.to = obj.toIds?.map((u) => u.href) ?? [];
        entry.cc = obj.ccIds?.map((u) => u.href) ?? [];
      }
    } catch (e) {
      entry.object_error = String(e);
    }
  }
  push(received, entry);
  log.info("received {type} {id} from {actor}", entry);
  return entry;
}

const fediUri = () => new URL(`${origin}/users/fedi`);

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    if (follow.objectId?.href !== ctx.getActorUri("fedi").href) return;
    const follower = await follow.getActor(ctx);
    if (follower?.id == null || follower.inboxId == null) {
      throw new Error(`cannot dereference the follower ${follow.actorId?.href}`);
    }
    followers.set(follower.id.href, {
      id: follower.id.href,
      inbox: follower.inboxId.href,
      sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    });
    await ctx.sendActivity(
      { identifier: "fedi" },
      follower,
      new Accept({
        id: new URL(`${origin}/users/fedi/accepts/${randomUUID()}`),
        actor: ctx.getActorUri("fedi"),
        object: follow,
      }),
    );
  })
  .on(Accept, async (ctx, accept) => {
    await record(ctx, accept);
    settle(accept, "accepted");
  })
  .on(Reject, async (ctx, reject) => {
    await record(ctx, reject);
    settle(reject, "rejected");
  })
  .on(Undo, async (ctx, undo) => {
    await record(ctx, undo);
    let inner = null;
    try {
      inner = await undo.getObject(ctx);
    } catch {
      /* an Undo of something we cannot see changes nothing here */
    }
    if (inner instanceof Follow && undo.actorId) followers.delete(undo.actorId.href);
  })
  .on(Activity, async (ctx, activity) => {
    await record(ctx, activity);
  })
  .onUnverifiedActivity((_ctx, activity, reason) => {
    push(errors, {
      at: new Date().toISOString(),
      where: "inbox-signature",
      activity: activity?.id?.href ?? null,
      reason: JSON.parse(JSON.stringify(reason)),
    });
  })
  .onError((_ctx, error) => {
    push(errors, { at: new Date().toISOString(), where: "inbox-listener", error: String(error) });
  });

/* Marks the follow an Accept or Reject answers. */
function settle(answer, state) {
  const oid = answer.objectId?.href;
  const actor = answer.actorId?.href;
  for (const f of following.values()) {
    if (f.follow_id === oid || (f.target === actor && f.state === "pending")) {
      f.state = state;
      return;
    }
  }
}

const app = new Hono();

app.post("/control/follow", async (c) => {
  const { actor_url: actorUrl } = await c.req.json();
  const ctx = federation.createContext(new URL(origin), undefined);
  const target = await ctx.lookupObject(actorUrl);
  if (!isActor(target) || target.id == null || target.inboxId == null) {
    return c.json({ error: `not an actor: ${actorUrl}` }, 422);
  }
  const followId = new URL(`${origin}/users/fedi/follows/${randomUUID()}`);
  following.set(followId.href, {
    follow_id: followId.href,
    target: target.id.href,
    state: "pending",
  });
  await ctx.sendActivity(
    { identifier: "fedi" },
    target,
    new Follow({ id: followId, actor: fediUri(), object: target.id }),
  );
  return c.json({ follow_id: followId.href, target: target.id.href, inbox: target.inboxId.href });
});

app.post("/control/post", async (c) => {
  const { content } = await c.req.json();
  const ctx = federation.createContext(new URL(origin), undefined);
  const id = randomUUID();
  const noteId = ctx.getObjectUri(Note, { identifier: "fedi", id });
  const published = Temporal.Now.instant();
  const note = new Note({
    id: noteId,
    attribution: ctx.getActorUri("fedi"),
    content,
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri("fedi"),
    url: noteId,
    published,
  });
  const create = new Create({
    id: new URL(`${noteId.href}#create`),
    actor: ctx.getActorUri("fedi"),
    object: note,
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri("fedi"),
    published,
  });
  notes.set(id, { note, create });
  await ctx.sendActivity({ identifier: "fedi" }, "followers", create, { preferSharedInbox: true });
  return c.json({ note_id: noteId.href, create_id: create.id.href, followers: followers.size });
});

app.post("/control/fetch", async (c) => {
  const { url, signed } = await c.req.json();
  if (!signed) {
    const res = await fetch(url, { headers: { Accept: "application/activity+json" } });
    return c.json({ status: res.status, body: await res.text() });
  }
  const ctx = federation.createContext(new URL(origin), undefined);
  const loader = await ctx.getDocumentLoader({ identifier: "fedi" });
  try {
    const doc = await loader(url);
    return c.json({ status: 200, body: JSON.stringify(doc.document) });
  } catch (e) {
    return c.json({ status: 0, error: String(e) });
  }
});

app.get("/control/received", (c) => c.json(received));
app.get("/control/followers", (c) => c.json([...followers.keys()]));
app.get("/control/following", (c) => c.json([...following.values()]));
app.get("/control/requests", (c) => c.json(requests));
app.get("/control/sent", (c) => c.json(sent));
app.get("/control/errors", (c) => c.json(errors));

// Everything else is Fedify's; each request is logged with its signature.
app.all("*", async (c) => {
  const req = c.req.raw;
  const url = new URL(req.url);
  const entry = {
    at: new Date().toISOString(),
    method: req.method,
    path: url.pathname + url.search,
    ...signatureOf(req.headers),
    headers: pickHeaders(req.headers),
  };
  if (req.method === "POST") {
    const text = await req.clone().text();
    entry.body = clip(text);
    try {
      const json = JSON.parse(text);
      entry.json = json;
      entry.activity_id = typeof json.id === "string" ? json.id : null;
      entry.activity_type = typeof json.type === "string" ? json.type : null;
    } catch {
      /* not JSON; Fedify will say so */
    }
  }
  push(requests, entry);
  const res = await federation.fetch(req, {
    contextData: undefined,
    onNotFound: () => new Response("not found", { status: 404 }),
    onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
  });
  entry.status = res.status;
  if (res.status >= 400) entry.response_body = clip(await res.clone().text());
  return res;
});

const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port }, () => {
  process.stdout.write("ready\n");
});

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
