import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { call, fileWorld, netConf, TARGETS, type World, type WorldNode } from "./helpers.js";

// A cluster with client-certificate auth and an etcd user: both builds (standalone under
// Bun, the bundle under Node) speak TLS with client certificates and authenticate.
const USER = "cni";
const PASSWORD = "pw-tct";
let w: World;
let a: WorldNode;
let seq = 0;
fileWorld({ prefix: "tct-", nodes: 1, tls: true, auth: { user: USER, password: PASSWORD, keyPrefix: "/tscni/ipam/" } }, (world) => {
  w = world;
  a = w.nodes[0]!;
  writeFileSync(join(w.work, "password"), `${PASSWORD}\n`);
  writeFileSync(join(w.work, "wrong-password"), "guess\n");
});

const secure = (extra: Record<string, unknown> = {}) => ({
  etcd: {
    tls: { ca: w.etcd.certs!.ca, cert: w.etcd.certs!.clientCert, key: w.etcd.certs!.clientKey },
    username: USER,
    passwordFile: join(w.work, "password"),
    tokenCache: join(w.work, `tokens-${seq}.json`),
    ...extra,
  },
});
const endpointRe = /https:\/\/198\.18\.0\.1[123]:2379/;

describe.each(TARGETS)("TLS + auth, %s", (target) => {
  it("allocates over TLS with a client certificate and a user; the token is cached (0600) so the next call does not authenticate", async () => {
    const n = `t${seq++}`;
    const ipam = secure({ endpoints: [w.etcd.endpoints[0]!] }); // one member: simple tokens are per member
    const stats = join(w.work, `stats-${n}`);
    for (const id of ["c1", "c2"]) {
      const r = await call(a, { command: "ADD", containerId: id, env: { TSCNI_ETCD_STATS: stats } }, netConf(w, a, n, ipam), target);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.json.ips[0].address).toMatch(/^10\.200\./);
    }
    expect(readFileSync(stats, "utf8").trim().split("\n")).toEqual(["ADD 3 1", "ADD 2 0"]);
    const cache = (ipam.etcd as { tokenCache: string }).tokenCache;
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    // A token etcd no longer accepts is renewed once.
    writeFileSync(cache, readFileSync(cache, "utf8").replace(/":"[^"]+"/g, '":"stale.token"'));
    const r = await call(a, { command: "DEL", containerId: "c1", env: { TSCNI_ETCD_STATS: stats } }, netConf(w, a, n, ipam), target);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(readFileSync(stats, "utf8").trim().split("\n").at(-1)).toBe("DEL 3 1");
  });

  it("a certificate etcd does not trust is code 7 naming the endpoint", async () => {
    const r = await call(a, { command: "ADD", containerId: "r1" }, netConf(w, a, `t${seq++}`, secure({ tls: { ca: w.etcd.certs!.ca, cert: w.etcd.certs!.rogueCert, key: w.etcd.certs!.rogueKey } })), target);
    expect(r.json.code, r.stdout).toBe(7);
    expect(r.json.msg).toMatch(endpointRe);
    expect(r.json.msg).toMatch(/TLS/);
  });

  it("a server certificate we cannot verify (no CA given) is code 7 naming the endpoint", async () => {
    const r = await call(a, { command: "ADD", containerId: "r2" }, netConf(w, a, `t${seq++}`, secure({ tls: { cert: w.etcd.certs!.clientCert, key: w.etcd.certs!.clientKey } })), target);
    expect(r.json.code, r.stdout).toBe(7);
    expect(r.json.msg).toMatch(endpointRe);
    expect(r.json.msg).toMatch(/TLS/);
  });

  it("a certificate with a CommonName (which etcd's gateway refuses when auth is on) is code 7 saying so", async () => {
    const r = await call(a, { command: "ADD", containerId: "r4" }, netConf(w, a, `t${seq++}`, secure({ tls: { ca: w.etcd.certs!.ca, cert: w.etcd.certs!.cnClientCert, key: w.etcd.certs!.cnClientKey } })), target);
    expect(r.json.code, r.stdout).toBe(7);
    expect(r.json.msg).toMatch(endpointRe);
    expect(r.json.msg).toMatch(/must have no CommonName/);
  });

  it("a wrong password is code 7 naming the endpoint and the user", async () => {
    const r = await call(a, { command: "ADD", containerId: "r3" }, netConf(w, a, `t${seq++}`, secure({ passwordFile: join(w.work, "wrong-password") })), target);
    expect(r.json.code, r.stdout).toBe(7);
    expect(r.json.msg).toMatch(endpointRe);
    expect(r.json.msg).toMatch(/authentication of user "cni" failed/);
  });
});
