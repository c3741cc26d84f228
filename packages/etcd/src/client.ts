import { readFileSync } from "node:fs";
import { parseWith } from "@tscni/types";
import { b64, prefixEndB64, unb64 } from "./codec.js";
import { EtcdError, errorAction } from "./errors.js";
import { schemas, type RangeReply, type TxnReply } from "./schemas.js";
import { TokenCache } from "./token-cache.js";
import { parseEndpoint, Transport, TransportError, type Endpoint, type TlsMaterial } from "./transport.js";

export interface EtcdClientOptions {
  /** http://host:port, https://host:port, or unix:///path (plain HTTP on a unix socket). */
  endpoints: string[];
  /** Every operation must finish within this many ms of the client's clock start (code 11 otherwise). */
  timeoutMs: number;
  /** PEM file paths: the CA that signs the servers, our certificate and key. */
  tls?: { ca?: string; cert?: string; key?: string };
  username?: string;
  /** Read only when a token must be made. */
  password?: () => string;
  /** Node-local token cache file (see TokenCache). */
  tokenCache?: string;
}

export interface KV {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

export interface RangeResult {
  kvs: KV[];
  count: number;
  /** The store's revision the answer was read at. */
  revision: number;
}

export interface RangeOptions {
  /** Every key starting with `key`. */
  prefix?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
  limit?: number;
  /** Served by the member alone, without a quorum read (may be stale). */
  serializable?: boolean;
}

export type Op =
  | ({ type: "get"; key: string } & RangeOptions)
  | { type: "put"; key: string; value: string }
  | { type: "del"; key: string; prefix?: boolean };

/** A txn condition: `target` of `key` (every key under it with `prefix`) compared with `value`. */
export interface Compare {
  key: string;
  prefix?: boolean;
  target: "version" | "create" | "mod" | "value";
  result: "=" | "!=" | "<" | ">";
  value: number | string;
}

/** A get answers `range`, a delete `deleted`, a put nothing. */
export interface OpResult {
  range?: RangeResult;
  deleted?: number;
}

export interface TxnResult {
  succeeded: boolean;
  revision: number;
  /** One per op of the branch that ran. */
  results: OpResult[];
}

/** Requests sent, for the request budget (`TSCNI_ETCD_STATS`) and the bench. */
export interface EtcdStats {
  requests: number;
  auth: number;
}

const num = (v: string | number | undefined): number => (v === undefined ? 0 : Number(v));

function rangeBody(key: string, o: RangeOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { key: b64(key) };
  if (o.prefix) body.range_end = prefixEndB64(key);
  if (o.keysOnly) body.keys_only = true;
  if (o.countOnly) body.count_only = true;
  if (o.limit) body.limit = String(o.limit);
  if (o.serializable) body.serializable = true;
  return body;
}

function opBody(op: Op): Record<string, unknown> {
  if (op.type === "get") return { request_range: rangeBody(op.key, op) };
  if (op.type === "put") return { request_put: { key: b64(op.key), value: b64(op.value) } };
  return { request_delete_range: { key: b64(op.key), ...(op.prefix ? { range_end: prefixEndB64(op.key) } : {}) } };
}

const RESULTS = { "=": "EQUAL", "!=": "NOT_EQUAL", "<": "LESS", ">": "GREATER" } as const;
const TARGETS = { version: ["VERSION", "version"], create: ["CREATE", "create_revision"], mod: ["MOD", "mod_revision"], value: ["VALUE", "value"] } as const;

function compareBody(c: Compare): Record<string, unknown> {
  const [target, field] = TARGETS[c.target];
  return {
    key: b64(c.key),
    ...(c.prefix ? { range_end: prefixEndB64(c.key) } : {}),
    target,
    result: RESULTS[c.result],
    [field]: c.target === "value" ? b64(String(c.value)) : String(c.value),
  };
}

function rangeResult(r: RangeReply): RangeResult {
  return {
    kvs: (r.kvs ?? []).map((kv) => ({
      key: unb64(kv.key),
      value: unb64(kv.value),
      createRevision: num(kv.create_revision),
      modRevision: num(kv.mod_revision),
      version: num(kv.version),
    })),
    count: num(r.count),
    revision: num(r.header?.revision),
  };
}

function txnResult(r: TxnReply): TxnResult {
  return {
    succeeded: r.succeeded === true,
    revision: num(r.header?.revision),
    results: (r.responses ?? []).map((x): OpResult => {
      if (x.response_range) return { range: rangeResult(x.response_range) };
      if (x.response_delete_range) return { deleted: num(x.response_delete_range.deleted) };
      return {};
    }),
  };
}

/** The range answer at index i of a txn result (an op that was a get). */
export function rangeAt(t: TxnResult, i: number): RangeResult {
  const r = t.results[i]?.range;
  if (!r) throw new EtcdError("rejected", `etcd txn: answer ${i} is not a range`);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * etcd v3 through its JSON gateway (POST /v3/kv/range, /v3/kv/txn, ...): no gRPC stack in a
 * per-exec plugin. Fails over between endpoints; a request with no answer in its slice of
 * the time left goes to the next. Unavailability within `timeoutMs` is code 11.
 */
export class EtcdClient {
  readonly stats: EtcdStats = { requests: 0, auth: 0 };
  private readonly endpoints: Endpoint[];
  private readonly transport: Transport;
  private readonly tokens: TokenCache;
  private readonly renewed = new Set<string>();
  private authDisabled = false;
  private cursor: number;
  private deadline = 0;
  private started = 0;

  constructor(readonly opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new EtcdError("auth", "etcd: no endpoints");
    this.endpoints = opts.endpoints.map((u) => {
      const ep = parseEndpoint(u);
      if (!ep) throw new EtcdError("auth", `etcd endpoint ${JSON.stringify(u)}: expected http(s)://host[:port] or unix:///path`);
      return ep;
    });
    this.transport = new Transport(opts.tls ? readTls(opts.tls) : undefined);
    this.tokens = new TokenCache(opts.username ? opts.tokenCache : undefined);
    // Spread execs over the members; the one that answers stays first for this client.
    this.cursor = process.pid % this.endpoints.length;
    this.restartClock();
  }

  /** Starts the `timeoutMs` budget again (one budget per plugin call; long-lived callers restart it per operation). */
  restartClock(): void {
    this.started = Date.now();
    this.deadline = this.started + this.opts.timeoutMs;
  }

  close(): void {
    this.transport.close();
  }

  private tokenKey(ep: Endpoint): string {
    return `${ep.url} ${this.opts.username ?? ""}`;
  }

  /** The auth header for `ep`: a cached token, or a fresh one (one /v3/auth/authenticate). */
  private async authHeader(ep: Endpoint, timeoutMs: number): Promise<Record<string, string>> {
    if (!this.opts.username || this.authDisabled) return {};
    const key = this.tokenKey(ep);
    let token = this.tokens.get(key);
    if (!token) {
      let password: string;
      try {
        password = this.opts.password?.() ?? "";
      } catch (e) {
        throw new EtcdError("auth", `etcd: cannot read the password: ${(e as Error).message}`);
      }
      this.stats.auth++;
      const reply = await this.transport.post(ep, "/v3/auth/authenticate", JSON.stringify({ name: this.opts.username, password }), timeoutMs);
      const json = parseJson(ep, reply.body);
      if (reply.status !== 200) {
        const { code, msg } = errorOf(json, reply.body);
        const action = errorAction(code, msg);
        if (action === "auth-disabled") {
          this.authDisabled = true;
          return {};
        }
        if (action === "retry") throw new TransportError("unreachable", msg);
        throw new EtcdError("auth", `etcd ${ep.url}: authentication of user ${JSON.stringify(this.opts.username)} failed: ${msg}`);
      }
      token = parseWith(schemas().auth, json, "etcd authenticate answer").token;
      if (!token) throw new EtcdError("rejected", `etcd ${ep.url}: authenticate gave no token`);
      this.tokens.set(key, token);
    }
    return { authorization: token };
  }

  /**
   * POSTs to the first endpoint that answers: an unreachable one, one without a leader
   * or quorum, or one that does not answer within its slice of the time left, passes the
   * request to the next, round and round until the deadline.
   */
  private async call(path: string, body: unknown): Promise<unknown> {
    const text = JSON.stringify(body);
    const last = new Map<string, string>();
    let tlsFailures = 0;
    let tried = 0;
    for (;;) {
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) break;
      const ep = this.endpoints[this.cursor]!;
      const slice = Math.min(remaining, Math.max(1000, Math.floor(this.opts.timeoutMs / 2)));
      try {
        const headers = await this.authHeader(ep, slice);
        this.stats.requests++;
        const reply = await this.transport.post(ep, path, text, Math.min(slice, this.deadline - Date.now()), headers);
        const json = parseJson(ep, reply.body);
        if (reply.status === 200) {
          this.renewed.delete(ep.url);
          return json;
        }
        const { code, msg } = errorOf(json, reply.body);
        const action = errorAction(code, msg);
        if (action === "renew-token" && headers.authorization && !this.renewed.has(ep.url)) {
          this.renewed.add(ep.url); // once per endpoint: a token etcd rejects is renewed, a second rejection is an error
          this.tokens.set(this.tokenKey(ep), undefined);
          continue;
        }
        if (action === "auth" || action === "renew-token")
          throw new EtcdError("auth", `etcd ${ep.url}: ${msg}${/empty/.test(msg) ? " (this etcd requires a user: set ipam.etcd.username and passwordFile)" : ""}`);
        if (action !== "retry") throw new EtcdError("rejected", `etcd ${ep.url}: ${msg}`);
        last.set(ep.url, msg);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        last.set(ep.url, e.message);
        if (e.kind === "tls") tlsFailures++;
      }
      tried++;
      this.cursor = (this.cursor + 1) % this.endpoints.length;
      if (tried % this.endpoints.length === 0) {
        // Every endpoint refused our certificate (or we theirs): that will not change by waiting.
        if (tlsFailures === this.endpoints.length) break;
        tlsFailures = 0;
        await sleep(Math.min(100, Math.max(0, this.deadline - Date.now())));
      }
    }
    const details = [...last].map(([u, m]) => `${u}: ${m}`).join("; ");
    const tls = [...last].find(([, m]) => m.startsWith("TLS handshake failed"));
    if (tls) throw new EtcdError("auth", `etcd ${tls[0]}: ${tls[1]} (check ipam.etcd.tls)`, details);
    throw new EtcdError(
      "unavailable",
      `etcd unavailable: no member answered with quorum within ${this.opts.timeoutMs} ms (gave up ${Date.now() - this.started} ms after the call began)`,
      details || `the call's ${this.opts.timeoutMs} ms were used up before this request could be sent`,
    );
  }

  async range(key: string, o: RangeOptions = {}): Promise<RangeResult> {
    return rangeResult(parseWith(schemas().range, await this.call("/v3/kv/range", rangeBody(key, o)), "etcd range answer"));
  }

  async get(key: string): Promise<KV | undefined> {
    return (await this.range(key)).kvs[0];
  }

  async txn(t: { compare?: Compare[]; success?: Op[]; failure?: Op[] }): Promise<TxnResult> {
    const body = {
      compare: (t.compare ?? []).map(compareBody),
      success: (t.success ?? []).map(opBody),
      failure: (t.failure ?? []).map(opBody),
    };
    return txnResult(parseWith(schemas().txn, await this.call("/v3/kv/txn", body), "etcd txn answer"));
  }

  async put(key: string, value: string): Promise<void> {
    await this.call("/v3/kv/put", { key: b64(key), value: b64(value) });
  }

  async delete(key: string, o: { prefix?: boolean } = {}): Promise<number> {
    const r = parseWith(schemas().del, await this.call("/v3/kv/deleterange", opBody({ type: "del", key, ...o }).request_delete_range), "etcd delete answer");
    return num(r.deleted);
  }

  /** Maintenance status of one member (no quorum needed). */
  async status(): Promise<{ version: string; leader: string; errors: string[] }> {
    const r = parseWith(schemas().status, await this.call("/v3/maintenance/status", {}), "etcd status answer");
    return { version: r.version ?? "", leader: String(r.leader ?? "0"), errors: r.errors ?? [] };
  }
}

function readTls(t: { ca?: string; cert?: string; key?: string }): TlsMaterial {
  const out: TlsMaterial = {};
  for (const k of ["ca", "cert", "key"] as const) {
    const p = t[k];
    if (!p) continue;
    try {
      out[k] = readFileSync(p);
    } catch (e) {
      throw new EtcdError("auth", `ipam.etcd.tls.${k}: cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return out;
}

function parseJson(ep: Endpoint, body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // etcd's own plain-text refusal: with auth on, its JSON gateway takes no client certificate that has a CommonName.
    if (body.includes("CommonName of client"))
      throw new EtcdError("auth", `etcd ${ep.url}: ${body.trim()} (with etcd auth enabled, the client certificate must have no CommonName; the user comes from ipam.etcd.username)`);
    throw new TransportError("unreachable", `not an etcd answer from ${ep.url}: ${JSON.stringify(body.slice(0, 120))}`);
  }
}

function errorOf(json: unknown, raw: string): { code: number | undefined; msg: string } {
  const r = schemas().error.safeParse(json);
  const e = r.success ? r.data : {};
  return { code: e.code, msg: e.message ?? e.error ?? raw.slice(0, 200) };
}
