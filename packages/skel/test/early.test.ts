// skel's early phase: the hook sees the checked env and the raw config before the plugin
// loads; what it starts reaches the handler through ctx.claimEarly(), and skel releases
// what no handler claimed. In-process through dispatch, which runs what pluginMain runs.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { CniError, ErrorCode, netConfSchema } from "@tscni/types";
import { dispatch, type EarlyCall, type EarlyWork, type Plugin, type PluginEntry } from "../src/index.js";

const schema = z.extend(netConfSchema, { mode: z.optional(z.enum(["claim", "ignore", "fail-before-claim", "fail-after-claim"])) });

interface Work extends EarlyWork {
  id: number;
}

/** An entry whose every step lands in `log`, in order. */
function recorder(opts: { hookThrows?: boolean; releaseThrows?: boolean } = {}) {
  const log: string[] = [];
  const calls: EarlyCall[] = [];
  let next = 0;
  const plugin: Plugin<typeof schema, Work> = {
    config: schema,
    versions: ["0.4.0", "1.0.0", "1.1.0"],
    add: (ctx) => {
      log.push("add");
      const mode = ctx.config.mode ?? "claim";
      if (mode === "fail-before-claim") throw new CniError(ErrorCode.InvalidConfig, "refused before claiming");
      if (mode === "ignore") return { cniVersion: "1.1.0" };
      const work = ctx.claimEarly();
      log.push(`claimed ${work?.id}`);
      if (ctx.claimEarly() !== work) throw new Error("a second claimEarly() must give the same work");
      if (mode === "fail-after-claim") throw new CniError(ErrorCode.TryAgainLater, "failed after claiming");
      return { cniVersion: "1.1.0" };
    },
    del: (ctx) => void log.push(`del claimed ${ctx.claimEarly()?.id}`),
  };
  const entry: PluginEntry<Work> = {
    versions: ["0.4.0", "1.0.0", "1.1.0"],
    early: (call) => {
      calls.push(call);
      if (opts.hookThrows) throw new Error("hook broke");
      const id = ++next;
      log.push(`hook ${call.command} ${id}`);
      return {
        id,
        release: () => {
          log.push(`release ${id}`);
          if (opts.releaseThrows) throw new Error("release broke");
        },
      };
    },
    load: async () => {
      log.push("load");
      return plugin;
    },
  };
  return { entry, plugin, log, calls };
}

const env = (cmd: string, extra: Record<string, string> = {}) => ({ CNI_COMMAND: cmd, CNI_CONTAINERID: "c1", CNI_NETNS: "/nonexistent/netns", CNI_IFNAME: "eth0", CNI_PATH: "/opt/cni/bin", ...extra });
const conf = (extra: object = {}) => JSON.stringify({ cniVersion: "1.1.0", name: "net1", type: "t", ...extra });

/** One call to a new recorder's entry: what it logged and answered. */
async function callOnce(command: string, extra: object = {}) {
  const r = recorder();
  const out = await dispatch(r.entry, { env: env(command), stdin: conf(extra) });
  return { ...r, exitCode: out.exitCode, answer: out.stdout ? JSON.parse(out.stdout) : undefined };
}

describe("the early hook", () => {
  it("gets the checked env and the raw config before the plugin loads; the handler claims its work", async () => {
    const r = recorder();
    const out = await dispatch(r.entry, { env: env("ADD", { CNI_ARGS: "K=v" }), stdin: conf({ extra: [1, 2] }) });
    expect(out.exitCode, out.stdout).toBe(0);
    expect(r.log).toEqual(["hook ADD 1", "load", "add", "claimed 1"]);
    const call = r.calls[0]!;
    expect(call).toMatchObject({ command: "ADD", containerId: "c1", netns: "/nonexistent/netns", ifname: "eth0", cniArgs: "K=v", path: ["/opt/cni/bin"], cniVersion: "1.1.0" });
    expect(call.config).toEqual({ cniVersion: "1.1.0", name: "net1", type: "t", extra: [1, 2] });
    expect(call.stdin.toString()).toBe(conf({ extra: [1, 2] }));
    expect(call.env.CNI_ARGS).toBe("K=v");
  });

  it("sees the config raw: a config the schema rejects still reaches the hook, and its work is released", async () => {
    const r = await callOnce("ADD", { mode: "not-a-mode" });
    expect(r.answer).toMatchObject({ code: 7, msg: "invalid network config: mode" });
    expect(r.calls[0]!.config.mode).toBe("not-a-mode");
    expect(r.log).toEqual(["hook ADD 1", "load", "release 1"]);
  });

  it("work the handler did not claim is released: a failure before the claim, or a handler that ignores it", async () => {
    const failed = await callOnce("ADD", { mode: "fail-before-claim" });
    expect(failed.answer).toMatchObject({ code: 7, msg: "refused before claiming" });
    expect(failed.log).toEqual(["hook ADD 1", "load", "add", "release 1"]);

    const ignored = await callOnce("ADD", { mode: "ignore" });
    expect(ignored.exitCode).toBe(0);
    expect(ignored.log).toEqual(["hook ADD 1", "load", "add", "release 1"]);

    // No handler for the verb (CHECK succeeds without one): nothing claims it.
    const check = await callOnce("CHECK");
    expect(check.exitCode).toBe(0);
    expect(check.log).toEqual(["hook CHECK 1", "load", "release 1"]);
  });

  it("claimed work is the handler's: skel does not release it, also when the handler fails after claiming", async () => {
    const r = await callOnce("ADD", { mode: "fail-after-claim" });
    expect(r.answer).toMatchObject({ code: 11, msg: "failed after claiming" });
    expect(r.log).toEqual(["hook ADD 1", "load", "add", "claimed 1"]);
  });

  it.each([
    ["VERSION", env("VERSION"), conf(), 0],
    ["a missing variable", env("ADD", { CNI_IFNAME: "" }), conf(), ErrorCode.InvalidEnv],
    ["a container ID skel refuses", env("DEL", { CNI_CONTAINERID: "bad id!" }), conf(), ErrorCode.InvalidEnv],
    ["an ifname skel refuses", env("DEL", { CNI_IFNAME: "bad/name" }), conf(), ErrorCode.InvalidEnv],
    ["stdin that is not JSON", env("ADD"), "{nope", ErrorCode.DecodeFailure],
    ["a JSON array", env("DEL"), "[]", ErrorCode.DecodeFailure],
    ["no network name", env("DEL"), JSON.stringify({ cniVersion: "1.1.0", type: "t" }), ErrorCode.InvalidConfig],
    ["a version the plugin does not speak", env("ADD"), JSON.stringify({ cniVersion: "0.3.1", name: "net1", type: "t" }), ErrorCode.IncompatibleVersion],
    ["the plugin's own netns", env("DEL", { CNI_NETNS: "/proc/self/ns/net" }), conf(), ErrorCode.InvalidNetNS],
  ])("does not run where skel turns the call away: %s", async (_what, e, stdin, code) => {
    const r = recorder();
    const out = await dispatch(r.entry, { env: e, stdin });
    expect(r.calls).toEqual([]);
    if (code === 0) expect(out.exitCode).toBe(0);
    else expect(JSON.parse(out.stdout).code).toBe(code);
  });

  it("runs for the plugin's own netns when CNI_NETNS_OVERRIDE allows it", async () => {
    const r = recorder();
    const out = await dispatch(r.entry, { env: env("DEL", { CNI_NETNS: "/proc/self/ns/net", CNI_NETNS_OVERRIDE: "1" }), stdin: conf() });
    expect(out.exitCode, out.stdout).toBe(0);
    expect(r.log).toEqual(["hook DEL 1", "load", "del claimed 1"]);
  });

  it("a hook that throws fails the call before the plugin loads", async () => {
    const r = recorder({ hookThrows: true });
    const out = await dispatch(r.entry, { env: env("ADD"), stdin: conf() });
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 999, msg: "hook broke" });
    expect(r.log).toEqual([]);
  });

  it("a release that throws is reported on stderr; the answer stays the call's own", async () => {
    const r = recorder({ releaseThrows: true });
    const out = await dispatch(r.entry, { env: env("ADD"), stdin: conf({ mode: "fail-before-claim" }) });
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 7, msg: "refused before claiming" });
    expect(out.stderr).toContain("release broke");
    expect(r.log).toContain("release 1");
  });

  it("a plugin object may carry the hook itself (no lazy entry)", async () => {
    const r = recorder();
    const plugin: Plugin<typeof schema, Work> = { ...r.plugin, early: r.entry.early! };
    expect((await dispatch(plugin, { env: env("ADD"), stdin: conf() })).exitCode).toBe(0);
    expect(r.log).toEqual(["hook ADD 1", "add", "claimed 1"]);
  });
});

describe("a lazy entry", () => {
  it("answers VERSION from its own list without loading the plugin or running the hook", async () => {
    const r = recorder();
    const out = await dispatch(r.entry, { env: { CNI_COMMAND: "VERSION" }, stdin: JSON.stringify({ cniVersion: "1.0.0" }) });
    expect(JSON.parse(out.stdout)).toEqual({ cniVersion: "1.0.0", supportedVersions: ["0.4.0", "1.0.0", "1.1.0"] });
    expect(r.log).toEqual([]);
  });

  it("refuses a version outside its list before loading the plugin", async () => {
    const r = recorder();
    const out = await dispatch({ ...r.entry, early: undefined }, { env: env("ADD"), stdin: JSON.stringify({ cniVersion: "0.3.1", name: "n", type: "t" }) });
    expect(JSON.parse(out.stdout).code).toBe(ErrorCode.IncompatibleVersion);
    expect(r.log).toEqual([]);
  });

  it("a load() that fails is the call's error (999, its message)", async () => {
    const entry: PluginEntry = { load: () => Promise.reject(new Error("cannot load the plugin")) };
    const out = await dispatch(entry, { env: env("ADD"), stdin: conf() });
    expect(JSON.parse(out.stdout)).toMatchObject({ code: 999, msg: "cannot load the plugin" });
  });
});
