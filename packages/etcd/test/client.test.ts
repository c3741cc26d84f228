import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leftovers, runPrefix } from "@tscni/testing";
import { EtcdCluster } from "@tscni/testing/etcd";
import { EtcdClient, EtcdError, rangeAt, type EtcdClientOptions } from "../src/index.js";

// The client against a real three-member etcd with auth on. The test process cannot reach
// the fabric, so it talks to the members' unix sockets (plain HTTP); TLS with client
// certificates is tested through cluster-ipam's executables in node netns.
const PREFIX = "tec-";
const USER = "cni";
const PASSWORD = "s3cret";
let etcd: EtcdCluster;
let work: string;

beforeAll(async () => {
  etcd = await EtcdCluster.start({ prefix: PREFIX, auth: { user: USER, password: PASSWORD, keyPrefix: "/t/" } });
  work = mkdtempSync(join(tmpdir(), `${runPrefix(PREFIX)}w-`));
}, 60_000);

afterAll(async () => {
  await etcd?.stop();
  rmSync(work, { recursive: true, force: true });
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const sockets = () => etcd.members.map((m) => `unix://${m.socket}`);
function client(o: Partial<EtcdClientOptions> = {}): EtcdClient {
  return new EtcdClient({ endpoints: sockets(), timeoutMs: 5000, username: USER, password: () => PASSWORD, tokenCache: join(work, "tokens.json"), ...o });
}
async function failure(p: Promise<unknown>): Promise<EtcdError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EtcdError) return e;
    throw e;
  }
  throw new Error("did not fail");
}

describe("EtcdClient", () => {
  it("puts, reads by prefix, and runs compare-and-swap transactions", async () => {
    const c = client();
    await c.put("/t/a/1", "one");
    await c.put("/t/a/2", "two");
    await c.put("/t/b", "other");
    const r = await c.range("/t/a/", { prefix: true });
    expect(r.kvs.map((kv) => [kv.key, kv.value])).toEqual([["/t/a/1", "one"], ["/t/a/2", "two"]]);
    expect(r.revision).toBeGreaterThan(0);
    // Create-if-absent: the first wins, the second sees the failure branch's read.
    const create = (v: string) =>
      c.txn({ compare: [{ key: "/t/claim", target: "version", result: "=", value: 0 }], success: [{ type: "put", key: "/t/claim", value: v }], failure: [{ type: "get", key: "/t/claim" }] });
    expect((await create("first")).succeeded).toBe(true);
    const second = await create("second");
    expect(second.succeeded).toBe(false);
    expect(rangeAt(second, 0).kvs[0]!.value).toBe("first");
    // CAS on a revision, and a prefix compare over several keys.
    const kv = (await c.get("/t/claim"))!;
    const cas = await c.txn({ compare: [{ key: "/t/claim", target: "mod", result: "=", value: kv.modRevision }], success: [{ type: "put", key: "/t/claim", value: "third" }] });
    expect(cas.succeeded).toBe(true);
    const stale = await c.txn({ compare: [{ key: "/t/claim", target: "mod", result: "=", value: kv.modRevision }], success: [{ type: "put", key: "/t/claim", value: "lost" }] });
    expect(stale.succeeded).toBe(false);
    const untouched = await c.txn({ compare: [{ key: "/t/a/", prefix: true, target: "mod", result: "<", value: r.revision + 1 }] });
    expect(untouched.succeeded).toBe(true);
    await c.put("/t/a/3", "three");
    expect((await c.txn({ compare: [{ key: "/t/a/", prefix: true, target: "mod", result: "<", value: r.revision + 1 }] })).succeeded).toBe(false);
    expect(await c.delete("/t/a/", { prefix: true })).toBe(3);
    expect((await c.get("/t/claim"))!.value).toBe("third");
    c.close();
  });

  it("authenticates once and caches the token in a 0600 file; a token etcd rejects is renewed once", async () => {
    const file = join(work, "cache.json");
    const first = client({ tokenCache: file, endpoints: [sockets()[0]!] });
    await first.get("/t/x");
    await first.get("/t/x");
    expect(first.stats).toEqual({ requests: 2, auth: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    first.close();
    // A new exec reads the cached token: no authentication.
    const second = client({ tokenCache: file, endpoints: [sockets()[0]!] });
    await second.get("/t/x");
    expect(second.stats).toEqual({ requests: 1, auth: 0 });
    second.close();
    // A token etcd no longer knows: one rejected request, one authentication, the retry.
    const cached = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.keys(cached).map((k) => [k, "bogus.token"]))));
    const third = client({ tokenCache: file, endpoints: [sockets()[0]!] });
    await third.get("/t/x");
    expect(third.stats).toEqual({ requests: 2, auth: 1 });
    third.close();
  });

  it("a wrong password or no user at all is code 7 naming the endpoint", async () => {
    const ep = sockets()[1]!;
    const wrong = await failure(client({ endpoints: [ep], password: () => "nope", tokenCache: undefined }).get("/t/x"));
    expect(wrong.code).toBe(7);
    expect(wrong.message).toContain(ep);
    expect(wrong.message).toMatch(/authentication of user "cni" failed: .*invalid user ID or password/);
    const anonymous = await failure(client({ endpoints: [ep], username: undefined }).get("/t/x"));
    expect(anonymous.code).toBe(7);
    expect(anonymous.message).toContain(ep);
    expect(anonymous.message).toMatch(/set ipam\.etcd\.username/);
    const denied = await failure(client().get("/elsewhere"));
    expect(denied.code).toBe(7);
    expect(denied.message).toMatch(/permission denied/);
  });

  it("fails over past endpoints that are not there", async () => {
    const c = client({ endpoints: [`unix://${join(work, "nothing.sock")}`, `unix://${join(work, "nor-this.sock")}`, sockets()[2]!] });
    for (let i = 0; i < 3; i++) expect(await c.get("/t/claim")).toBeDefined(); // whichever endpoint it starts at
    c.close();
  });

  it("with one member left (no quorum) every request is code 11 within the timeout; the cluster back, it works again", async () => {
    await etcd.kill(0);
    await etcd.kill(1);
    try {
      const c = client({ timeoutMs: 1500 });
      const t0 = Date.now();
      const e = await failure(c.get("/t/claim"));
      const took = Date.now() - t0;
      expect(e.code).toBe(11);
      expect(e.kind).toBe("unavailable");
      expect(e.details).toContain(sockets()[2]!);
      // The deadline holds: not before it, and not long after it (the client's own clock, then ours).
      const gaveUp = Number(/gave up (\d+) ms after/.exec(e.message)![1]);
      expect(gaveUp).toBeGreaterThanOrEqual(1500);
      expect(gaveUp).toBeLessThan(1500 + 1000);
      expect(took).toBeGreaterThanOrEqual(1500);
      expect(took).toBeLessThan(1500 + 3000);
      c.close();
    } finally {
      etcd.startMember(0);
      etcd.startMember(1);
      await etcd.waitReady();
    }
    const c = client();
    expect((await c.get("/t/claim"))!.value).toBe("third");
    c.close();
  });
});
