import { spawn } from "node:child_process";
import { join } from "node:path";
import { nodeTs, REPO_ROOT } from "@tscni/testing/repo";
import { nsInode } from "./guard.js";

/**
 * Run a hardening worker script with node+tsx inside netns `ns` (`ip netns exec` also gives it
 * a mount namespace of its own). Resolves with its last stdout line parsed as JSON.
 */
export function runWorker<T>(ns: string, script: string, payload: object, timeoutMs: number): Promise<T> {
  const env = { ...process.env, THD_FUZZ: JSON.stringify({ ...payload, parentNet: nsInode("net"), parentMnt: nsInode("mnt") }) };
  const argv = ["netns", "exec", ns, ...nodeTs(join(REPO_ROOT, "test/hardening", script))];
  return new Promise((resolve, reject) => {
    const p = spawn("ip", argv, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.length > 200_000) err = err.slice(-100_000);
    });
    const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", reject);
    p.on("close", (code, sig) => {
      clearTimeout(t);
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`${script} exit ${code ?? sig}: ${err.slice(-4000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script}: no summary line; stderr: ${err.slice(-4000)}`));
      }
    });
  });
}
