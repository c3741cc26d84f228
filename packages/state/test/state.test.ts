import { execa } from "execa";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExclusive, withLock, writeFileAtomic } from "../src/index.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "tscni-state-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("replaces content and leaves no temp file", () => {
    const p = join(dir, "f");
    writeFileSync(p, "old");
    writeFileAtomic(p, "new");
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["f"]);
  });
});

describe("createExclusive", () => {
  it("only the first creator wins", () => {
    const p = join(dir, "10.0.0.2");
    expect(createExclusive(p, "a\r\neth0")).toBe(true);
    expect(createExclusive(p, "b\r\neth0")).toBe(false);
    expect(readFileSync(p, "utf8")).toBe("a\r\neth0");
  });
});

describe("withLock", () => {
  it("serialises exclusive holders", async () => {
    const order: string[] = [];
    const hold = (tag: string) =>
      withLock("t", async () => {
        order.push(`${tag}+`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${tag}-`);
      }, { dir });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
  });

  it("lets shared holders overlap", async () => {
    let inside = 0;
    let max = 0;
    const hold = () =>
      withLock("s", async () => {
        max = Math.max(max, ++inside);
        await new Promise((r) => setTimeout(r, 100));
        inside--;
      }, { dir, shared: true });
    await Promise.all([hold(), hold(), hold()]);
    expect(max).toBeGreaterThan(1);
  });

  it("times out with code 11 while another process holds it", async () => {
    const { child } = await holdInChild(dir, "busy");
    try {
      await expect(withLock("busy", () => 1, { dir, timeoutMs: 100 })).rejects.toMatchObject({ code: 11 });
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("is released when its holder is killed with SIGKILL", async () => {
    const { child } = await holdInChild(dir, "crash");
    child.kill("SIGKILL");
    await child;
    await expect(withLock("crash", () => "got it", { dir, timeoutMs: 5000 })).resolves.toBe("got it");
  });
});

describe("withLock under Bun (the standalone build): flock(2) through bun:ffi", () => {
  it("a free lock is taken without flock(1): it works with no flock on PATH, where Node needs flock(1)", async () => {
    const script = `${importLock} console.log(await withLock("free", () => "got it", { dir: ${JSON.stringify(dir)} }));`;
    const bun = await execa(bunBinary(), ["--conditions=tscni-source", "-e", script], { env: { PATH: "/nonexistent" }, extendEnv: false, reject: false });
    expect(bun.stdout, bun.stderr).toBe("got it");
    const node = await execa(process.execPath, ["--conditions=tscni-source", "--import", "tsx", "--input-type=module", "-e", script], { env: { PATH: "/nonexistent" }, extendEnv: false, reject: false });
    expect(node.exitCode).not.toBe(0);
    expect(node.stderr).toContain("cannot run flock(1)");
  });

  it("a Bun holder and a Node holder exclude each other (one kernel lock): busy is code 11 both ways", async () => {
    const fromBun = (name: string) =>
      execa(bunBinary(), ["--conditions=tscni-source", "-e", `${importLock} await withLock(${JSON.stringify(name)}, () => {}, { dir: ${JSON.stringify(dir)}, timeoutMs: 100 }).then(() => console.log("got it"), (e) => console.log("code", e.code));`], { reject: false });
    const bunHolder = await holdInChild(dir, "held-by-bun", "bun");
    try {
      await expect(withLock("held-by-bun", () => 1, { dir, timeoutMs: 100 })).rejects.toMatchObject({ code: 11 });
    } finally {
      bunHolder.child.kill("SIGKILL");
    }
    const nodeHolder = await holdInChild(dir, "held-by-node");
    try {
      expect((await fromBun("held-by-node")).stdout).toBe("code 11");
    } finally {
      nodeHolder.child.kill("SIGKILL");
    }
    expect((await fromBun("held-by-node")).stdout).toBe("got it");
  });

  it("is released when its Bun holder is killed with SIGKILL", async () => {
    const { child } = await holdInChild(dir, "bun-crash", "bun");
    child.kill("SIGKILL");
    await child;
    await expect(withLock("bun-crash", () => "got it", { dir, timeoutMs: 5000 })).resolves.toBe("got it");
  });
});

const lockModule = new URL("../src/lock.ts", import.meta.url).pathname;
const importLock = `import { withLock } from ${JSON.stringify(lockModule)};`;

/** The pinned bun's own binary (the repository's devDependency). */
function bunBinary(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe");
}

/** A separate node (or bun) process that takes the lock and then blocks forever. */
async function holdInChild(dir: string, name: string, runtime: "node" | "bun" = "node") {
  const script = `${importLock}
    await withLock(${JSON.stringify(name)}, async () => { process.stdout.write("held\\n"); await new Promise(() => setInterval(() => {}, 1000)); }, { dir: ${JSON.stringify(dir)} });`;
  // reject: false: the tests end it with SIGKILL. Node runs tsx, with our packages resolved to their
  // source (@tscni/testing/repo's nodeTs, which this package cannot depend on); bun runs TypeScript itself.
  const argv = runtime === "bun" ? [bunBinary(), "--conditions=tscni-source", "-e", script] : [process.execPath, "--conditions=tscni-source", "--import", "tsx", "--input-type=module", "-e", script];
  const child = execa(argv[0]!, argv.slice(1), { stdin: "ignore", stderr: "inherit", reject: false });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (c) => reject(new Error(`holder exited ${c}`)));
  });
  return { child };
}
