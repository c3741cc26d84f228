import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { exec, execOk, type ExecResult } from "../exec.js";
import { trackDir, trackMount, trackPid, untrackDir, untrackMount, untrackPid } from "../cleanup-registry.js";
import type { Netns } from "../sandbox.js";
import { runPrefix } from "../names.js";
import { makeTestCerts, type TestCerts } from "./certs.js";
import { Fabric, FABRIC_NET, type FabricNode } from "./fabric.js";

export interface EtcdClusterOptions {
  /** Your test prefix: every netns, tmp dir and mount starts with it. */
  prefix: string;
  /** Members (default 3). */
  members?: number;
  /** https with client certificates (a throwaway CA made with openssl). */
  tls?: boolean;
  /** Enables etcd auth: a root user, and `user` with read-write access to keys under `keyPrefix`. */
  auth?: { user: string; password: string; keyPrefix: string };
}

export interface EtcdMember {
  name: string;
  ip: string;
  /** What plugins in node netns use: http(s)://IP:2379. */
  clientUrl: string;
  /** A plain-HTTP unix socket of this member in the cluster's tmp dir, for the test process itself (it cannot reach the fabric). */
  socket: string;
  dir: string;
  log: string;
  child?: ChildProcess;
}

const ROOT_PASSWORD = "root-test-password";

/** Runs one HTTP request over a unix socket; resolves the status and body, rejects on a socket error. */
function overSocket(socket: string, path: string, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: "POST", timeout: timeoutMs, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A real etcd cluster for tests, benches and demos: members in a netns of their own (the
 * fabric's hub), data on a tmpfs mounted on a tmp dir, node netns reaching them over the
 * fabric. Every process, mount, netns and dir is registered for removal at exit, and the
 * members die with the process that started them (setpriv --pdeathsig).
 */
export class EtcdCluster {
  readonly members: EtcdMember[];
  certs: TestCerts | undefined;
  private stopped = false;

  private constructor(
    readonly opts: EtcdClusterOptions,
    readonly fabric: Fabric,
    /** The tmpfs mount point (members' data, sockets, logs, certs). */
    readonly dir: string,
    private readonly token: string,
  ) {
    const n = opts.members ?? 3;
    const scheme = opts.tls ? "https" : "http";
    this.members = Array.from({ length: n }, (_, i) => {
      const ip = `${FABRIC_NET}.${11 + i}`;
      const mdir = join(dir, `m${i}`);
      return { name: `m${i}`, ip, clientUrl: `${scheme}://${ip}:2379`, socket: join(mdir, "c:0"), dir: mdir, log: join(dir, `m${i}.log`) };
    });
  }

  /** Where the members run (and the fabric's bridge). */
  get netns(): Netns {
    return this.fabric.hub;
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  static async start(opts: EtcdClusterOptions): Promise<EtcdCluster> {
    const dir = mkdtempSync(join(tmpdir(), `${runPrefix(opts.prefix)}etcd-`));
    trackDir(dir);
    trackMount(dir);
    let fabric: Fabric | undefined;
    let cluster: EtcdCluster | undefined;
    try {
      await execOk(["mount", "-t", "tmpfs", "-o", "size=2g,mode=0700", "tmpfs", dir]);
      const ips = Array.from({ length: opts.members ?? 3 }, (_, i) => `${FABRIC_NET}.${11 + i}`);
      fabric = await Fabric.create(opts.prefix, ips);
      cluster = new EtcdCluster(opts, fabric, dir, `${opts.prefix}${randomBytes(4).toString("hex")}`);
      if (opts.tls) {
        const certDir = join(dir, "pki");
        mkdirSync(certDir);
        cluster.certs = await makeTestCerts(certDir, ips);
      }
      for (const m of cluster.members) mkdirSync(m.dir);
      for (let i = 0; i < cluster.members.length; i++) cluster.startMember(i);
      await cluster.waitReady();
      if (opts.auth) await cluster.enableAuth(opts.auth);
      return cluster;
    } catch (e) {
      if (cluster) await cluster.stop();
      else {
        await fabric?.destroy();
        await EtcdCluster.removeDir(dir);
      }
      throw e;
    }
  }

  private static async removeDir(dir: string): Promise<void> {
    await exec(["umount", dir]);
    untrackMount(dir);
    rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  }

  /** A new node netns on the fabric (removed by stop()). */
  addNode(role = "n"): Promise<FabricNode> {
    return this.fabric.addNode(role);
  }

  private flags(m: EtcdMember): string[] {
    const c = this.certs;
    const cluster = this.members.map((x) => `${x.name}=http://${x.ip}:2380`).join(",");
    return [
      "--name", m.name, "--data-dir", join(m.dir, "data"),
      // The unix listener is relative to the working directory (etcd takes the URL's host part as the path).
      "--listen-client-urls", `${m.clientUrl},unix://c:0`, "--advertise-client-urls", m.clientUrl,
      "--listen-peer-urls", `http://${m.ip}:2380`, "--initial-advertise-peer-urls", `http://${m.ip}:2380`,
      "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", this.token,
      // Fast elections: a killed leader is replaced within about a second.
      "--heartbeat-interval", "50", "--election-timeout", "500",
      "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
      ...(c ? ["--cert-file", c.serverCert, "--key-file", c.serverKey, "--trusted-ca-file", c.ca, "--client-cert-auth"] : []),
    ];
  }

  /** Starts member i (again) on its data dir. Does not wait: see waitReady. */
  startMember(i: number): void {
    const m = this.members[i]!;
    if (m.child) throw new Error(`etcd member ${m.name} is already running`);
    rmSync(m.socket, { force: true });
    const log = openSync(m.log, "a");
    // ip netns exec and setpriv both exec in place: the child's pid is etcd's.
    const child = spawn("ip", ["netns", "exec", this.netns.name, "setpriv", "--pdeathsig", "KILL", "--", "etcd", ...this.flags(m)], {
      cwd: m.dir,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    if (child.pid !== undefined) trackPid(child.pid);
    m.child = child;
    child.once("exit", () => {
      if (child.pid !== undefined) untrackPid(child.pid);
      if (m.child === child) m.child = undefined;
    });
  }

  /** kill -9 of member i; resolves once it is gone. */
  async kill(i: number): Promise<void> {
    const child = this.members[i]!.child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
  }

  running(i: number): boolean {
    return this.members[i]!.child !== undefined;
  }

  /** Member i's answer to a linearizable read (needs a leader and quorum), or why not. */
  async probe(i: number, timeoutMs = 1000): Promise<{ ok: boolean; detail: string }> {
    try {
      const r = await overSocket(this.members[i]!.socket, "/v3/kv/range", JSON.stringify({ key: Buffer.from("tscni-probe").toString("base64") }), timeoutMs);
      // With auth on, an anonymous read is refused, but only after the member knew a leader to ask.
      const ok = r.status === 200 || /user name is empty|invalid auth token|permission denied/.test(r.body);
      return { ok, detail: `${r.status} ${r.body.slice(0, 200)}` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  /** Waits until every running member (or those named) answers a linearizable read. */
  async waitReady(which?: number[], timeoutMs = 20_000): Promise<void> {
    const idx = which ?? this.members.map((_, i) => i).filter((i) => this.running(i));
    const deadline = Date.now() + timeoutMs;
    for (const i of idx) {
      for (;;) {
        if (!this.running(i)) throw new Error(`etcd member ${this.members[i]!.name} exited: ${this.logTail(i)}`);
        const p = await this.probe(i);
        if (p.ok) break;
        if (Date.now() > deadline) throw new Error(`etcd member ${this.members[i]!.name} not ready after ${timeoutMs} ms (${p.detail}): ${this.logTail(i)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Index of the member that is the raft leader, as the running members report it (their status over the sockets). */
  async leader(): Promise<number> {
    for (let i = 0; i < this.members.length; i++) {
      if (!this.running(i)) continue;
      try {
        const r = await overSocket(this.members[i]!.socket, "/v3/maintenance/status", "{}", 1000);
        const st = JSON.parse(r.body) as { header?: { member_id?: string }; leader?: string };
        if (st.leader && st.leader === st.header?.member_id) return i;
      } catch {
        // not answering: not the leader
      }
    }
    throw new Error("no running member is the leader");
  }

  logTail(i: number): string {
    try {
      return readFileSync(this.members[i]!.log, "utf8").split("\n").slice(-8).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** etcdctl inside the members' netns, against every member, as root when auth is on (or as `user`). */
  etcdctl(args: readonly string[], opts: { stdin?: string; user?: string; check?: boolean } = {}): Promise<ExecResult> {
    const c = this.certs;
    const user = opts.user ?? (this.opts.auth ? `root:${ROOT_PASSWORD}` : undefined);
    const argv = [
      "ip", "netns", "exec", this.netns.name, "etcdctl", `--endpoints=${this.endpoints.join(",")}`, "--command-timeout=10s",
      ...(c ? [`--cacert=${c.ca}`, `--cert=${c.clientCert}`, `--key=${c.clientKey}`] : []),
      ...(user ? [`--user=${user}`] : []),
      ...args,
    ];
    const env = { PATH: process.env.PATH, ETCDCTL_API: "3" };
    return opts.check === false ? exec(argv, { env, stdin: opts.stdin, timeoutMs: 20_000 }) : execOk(argv, { env, stdin: opts.stdin, timeoutMs: 20_000 });
  }

  private async enableAuth(a: { user: string; password: string; keyPrefix: string }): Promise<void> {
    await this.etcdctl(["user", "add", "root", "--interactive=false"], { stdin: `${ROOT_PASSWORD}\n`, user: "" });
    await this.etcdctl(["user", "add", a.user, "--interactive=false"], { stdin: `${a.password}\n`, user: "" });
    await this.etcdctl(["role", "add", "tscni-ipam"], { user: "" });
    await this.etcdctl(["role", "grant-permission", "tscni-ipam", "readwrite", a.keyPrefix, "--prefix=true"], { user: "" });
    await this.etcdctl(["user", "grant-role", a.user, "tscni-ipam"], { user: "" });
    await this.etcdctl(["auth", "enable"], { user: "" });
  }

  /** Every key under `prefix` with its value (as root). */
  async dump(prefix: string): Promise<Map<string, string>> {
    const r = await this.etcdctl(["get", prefix, "--prefix", "-w", "json"]);
    const out = new Map<string, string>();
    const j = JSON.parse(r.stdout) as { kvs?: Array<{ key: string; value?: string }> };
    for (const kv of j.kvs ?? []) out.set(Buffer.from(kv.key, "base64").toString("utf8"), Buffer.from(kv.value ?? "", "base64").toString("utf8"));
    return out;
  }

  /** Kills every member, removes the fabric (all netns), unmounts and removes the tmp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (let i = 0; i < this.members.length; i++) await this.kill(i);
    await this.fabric.destroy();
    await EtcdCluster.removeDir(this.dir);
  }
}
