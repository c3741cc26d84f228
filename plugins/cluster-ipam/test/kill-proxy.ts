import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, request, type IncomingMessage } from "node:http";
import { join } from "node:path";
import type { World } from "./helpers.js";

/** An etcd endpoint for one call that is killed (-9) at a fixed point. */
export interface KillProxy {
  /** `unix://` endpoint to give the plugin instead of the members'. */
  endpoint: string;
  /** Env for the victim's call: the marker the proxy finds the plugin's process by. */
  env: Record<string, string>;
  /** Requests that reached the proxy so far. */
  requests(): number;
  close(): Promise<void>;
}

const MARKER = "TSCNI_TEST_VICTIM";

const readBody = (m: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    m.on("data", (c: Buffer) => chunks.push(c));
    m.on("end", () => resolve(Buffer.concat(chunks)));
    m.on("error", reject);
  });

/** Every process whose environment carries `marker` (the plugin, exec'd by `ip netns exec` in place). */
function pidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, "latin1").split("\0").includes(marker)) pids.push(Number(d));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

/**
 * A plain-HTTP proxy on a unix socket in front of one etcd member (the plugin reaches it
 * through the filesystem from its node netns). Requests pass through until the n-th: that one
 * reaches etcd and is answered there, then the plugin is killed with SIGKILL before it can
 * read the answer, as a node crash right after the request went out would leave it. The
 * fault is injected from outside: the plugin has no switch for it.
 */
export async function killAfterRequest(w: World, n: number): Promise<KillProxy> {
  const token = randomBytes(6).toString("hex");
  const marker = `${MARKER}=${token}`;
  const path = join(w.work, `kill-${token}.sock`);
  const member = w.etcd.members[0]!.socket;
  let count = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const nth = ++count === n;
      const up = request({ socketPath: member, path: req.url, method: req.method, headers: req.headers }, (r) => {
        void readBody(r).then((answer) => {
          if (nth) {
            for (const pid of pidsWith(marker)) process.kill(pid, "SIGKILL");
            req.socket.destroy();
            return;
          }
          res.writeHead(r.statusCode ?? 502, r.headers);
          res.end(answer);
        });
      });
      up.on("error", () => req.socket.destroy());
      up.end(body);
    })();
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
  return {
    endpoint: `unix://${path}`,
    env: { [MARKER]: token },
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(path, { force: true });
          resolve();
        });
      }),
  };
}
