import type { Agent as HttpAgent, IncomingMessage, RequestOptions } from "node:http";
import type { Agent as HttpsAgent } from "node:https";

/** Client TLS material, already read from files: what node:https takes. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpReply {
  status: number;
  body: string;
}

/** Why a request got no HTTP answer: the endpoint is down, or it refused our TLS (certificate) handshake. */
export class TransportError extends Error {
  constructor(
    readonly kind: "unreachable" | "timeout" | "tls",
    msg: string,
  ) {
    super(msg);
    this.name = "TransportError";
  }
}

/** A parsed endpoint: http(s)://host:port, or unix:///path (plain HTTP over a unix socket). */
export interface Endpoint {
  url: string;
  scheme: "http" | "https" | "unix";
  host: string;
  port: number;
  socketPath?: string;
}

export function parseEndpoint(url: string): Endpoint | undefined {
  if (url.startsWith("unix://")) {
    const path = url.slice("unix://".length);
    return path.startsWith("/") ? { url, scheme: "unix", host: "localhost", port: 0, socketPath: path } : undefined;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.username) return undefined;
  const scheme = u.protocol === "https:" ? "https" : "http";
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  return { url, scheme, host, port: u.port ? Number(u.port) : 2379 };
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL|HOSTNAME_MISMATCH)/;
const TLS_WORDS = /alert|certificate|ssl|tls|handshake/i;

/** Sorts a socket error: certificate and handshake problems are not "the endpoint is down". */
function classify(e: NodeJS.ErrnoException, ep: Endpoint): TransportError {
  const code = e.code ?? "";
  const what = `${code ? `${code}: ` : ""}${e.message}`;
  if (ep.scheme === "https" && (TLS_CODES.test(code) || TLS_WORDS.test(e.message))) return new TransportError("tls", `TLS handshake failed: ${what}`);
  return new TransportError("unreachable", what);
}

type Modules = { http: typeof import("node:http"); https?: typeof import("node:https") };
let modules: Modules | undefined;

/** node:http (and node:https only when an endpoint needs it): loaded on the first request, never on VERSION. */
async function load(needHttps: boolean): Promise<Modules> {
  modules ??= { http: await import("node:http") };
  if (needHttps) modules.https ??= await import("node:https");
  return modules;
}

/**
 * HTTP POSTs to etcd endpoints with keep-alive connections (a plugin's two or three
 * requests share one connection, and one TLS handshake). node:http/node:https work
 * the same under Node and Bun, client certificates included.
 */
export class Transport {
  private readonly agents = new Map<string, HttpAgent | HttpsAgent>();
  constructor(private readonly tls: TlsMaterial | undefined) {}

  private async agent(ep: Endpoint): Promise<HttpAgent | HttpsAgent> {
    const have = this.agents.get(ep.url);
    if (have) return have;
    const m = await load(ep.scheme === "https");
    const agent =
      ep.scheme === "https"
        ? new m.https!.Agent({ keepAlive: true, maxSockets: 4, ...(this.tls ?? {}) })
        : new m.http.Agent({ keepAlive: true, maxSockets: 4 });
    this.agents.set(ep.url, agent);
    return agent;
  }

  /** POSTs `body` (JSON) to `path`; rejects with TransportError when no HTTP answer came within `timeoutMs`. */
  async post(ep: Endpoint, path: string, body: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<HttpReply> {
    const agent = await this.agent(ep);
    const m = await load(ep.scheme === "https");
    const opts: RequestOptions = {
      method: "POST",
      path,
      agent,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
      ...(ep.socketPath ? { socketPath: ep.socketPath } : { host: ep.host, port: ep.port }),
      // Also on the request, not only the agent: that is where both runtimes read client certificates.
      ...(ep.scheme === "https" ? (this.tls ?? {}) : {}),
    };
    const send = ep.scheme === "https" ? m.https!.request : m.http.request;
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      const req = send(opts, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") })));
        res.on("error", (e) => done(() => reject(classify(e, ep))));
      });
      const timer = setTimeout(() => {
        done(() => reject(new TransportError("timeout", `no answer within ${timeoutMs} ms`)));
        req.destroy();
      }, Math.max(1, timeoutMs));
      req.on("error", (e: NodeJS.ErrnoException) => done(() => reject(classify(e, ep))));
      req.end(body);
    });
  }

  /** Closes every kept-alive connection (for long-lived callers; a plugin simply exits). */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}
