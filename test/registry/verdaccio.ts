// A real npm registry for the end-to-end test of the published packages: Verdaccio 6.8.0
// (later versions need Node 22) on 127.0.0.1, with storage in a temp dir. Our packages are
// published to it; everything else comes through its uplink to the registry npm is
// configured with. The process dies with its starter (setpriv --pdeathsig) and is stopped,
// with its storage removed, by stop() or at exit.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A free TCP port on 127.0.0.1 (bound, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const passThrough = (names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]!]] : [])));

/** The registry npm uses here (the uplink), as npm itself reports it. */
function upstreamRegistry(): string {
  const r = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8" });
  const url = r.stdout.trim();
  return /^https?:\/\//.test(url) ? url : "https://registry.npmjs.org/";
}

function httpJson(url: string, method: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { "content-type": "application/json" }, timeout: 10_000 }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: timeout`)));
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export class Verdaccio {
  private stopped = false;
  private constructor(
    readonly dir: string,
    readonly url: string,
    private readonly child: ChildProcess,
    /** A token of the user that publishes (Verdaccio refuses anonymous publishes). */
    readonly token: string,
  ) {}

  /** Start Verdaccio and create the publishing user. */
  static async start(prefix = "tvr-"): Promise<Verdaccio> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        `storage: ${join(dir, "storage")}`,
        "auth:",
        "  htpasswd:",
        `    file: ${join(dir, "htpasswd")}`,
        "    max_users: 10",
        "uplinks:",
        "  upstream:",
        `    url: ${upstreamRegistry()}`,
        "    timeout: 60s",
        "    maxage: 30m",
        "packages:",
        "  '@tscni/*':",
        "    access: $all",
        "    publish: $authenticated",
        "  'create-tscni-plugin':",
        "    access: $all",
        "    publish: $authenticated",
        "  '**':",
        "    access: $all",
        "    publish: $authenticated",
        "    proxy: upstream",
        `listen: 127.0.0.1:${port}`,
        "log: { type: stdout, format: pretty, level: warn }",
        "",
      ].join("\n"),
    );
    const bin = join(dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")), "bin", "verdaccio");
    const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", process.execPath, bin, "--config", config], {
      stdio: ["ignore", "ignore", "inherit"],
      // The uplink is reached the way npm reaches it: the same CA bundle and proxy settings.
      env: { PATH: process.env.PATH ?? "", HOME: dir, ...passThrough(["NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"]) },
    });
    const fail = (why: string) => {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      return new Error(`verdaccio did not start: ${why}`);
    };
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw fail(`exited ${child.exitCode}`);
      const up = await httpJson(`${url}-/ping`, "GET").then((r) => r.status === 200, () => false);
      if (up) break;
      if (Date.now() > deadline) throw fail("no answer on -/ping within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    const user = await httpJson(`${url}-/user/org.couchdb.user:tscni`, "PUT", { name: "tscni", password: "tscni-test-password", type: "user", roles: [], date: new Date().toISOString() });
    if (user.status !== 201 || typeof user.json?.token !== "string") throw fail(`could not create the publishing user (${user.status})`);
    const v = new Verdaccio(dir, url, child, user.json.token);
    process.once("exit", () => v.stopSync());
    return v;
  }

  /** An .npmrc that installs from this registry and publishes to it. */
  npmrc(): string {
    const hostPath = this.url.replace(/^https?:/, "");
    return `registry=${this.url}\n${hostPath}:_authToken=${this.token}\n`;
  }

  /** The package's metadata as the registry serves it (404: undefined). */
  async packument(name: string): Promise<any> {
    const r = await httpJson(`${this.url}${name.replace("/", "%2f")}`, "GET");
    return r.status === 200 ? r.json : undefined;
  }

  private stopSync(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    const exited = new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once("exit", () => r())));
    this.child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.stopSync();
  }
}
