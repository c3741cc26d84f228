import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "@tscni/testing";
import { openNetns } from "@tscni/net";
import { BatchError, startBatch } from "../src/ip-json-batch.js";

let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: "tbp-" })));
afterEach(async () => sb?.cleanup());

const addrsOf = async (dev: string) => {
  const r = await sb.run(sb.container, ["ip", "-j", "addr", "show", "dev", dev]);
  return (JSON.parse(r.stdout) as Array<{ addr_info: Array<{ local: string }> }>)[0]!.addr_info.map((a) => a.local);
};

// ADD starts the container's `ip -batch` before IPAM answers (and before its veth may exist).
describe("startBatch", () => {
  it("runs commands sent after it started, on a link created after it started", async () => {
    const b = startBatch(await openNetns(sb.container.path));
    await sb.run(sb.container, ["ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
    const out = await b.send([["addr", "add", "10.9.0.2/24", "dev", "d0"], ["link", "set", "dev", "d0", "up"], ["link", "show", "dev", "d0"]]);
    expect((out[0]![0] as { ifname: string }).ifname).toBe("d0");
    expect(await addrsOf("d0")).toEqual(["10.9.0.2"]);
  });

  it("cancel: the exec ends without running anything", async () => {
    await sb.run(sb.container, ["ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
    const b = startBatch(await openNetns(sb.container.path));
    await b.cancel();
    expect(await addrsOf("d0")).toEqual([]);
  });

  it("a failing command is named (index and argv)", async () => {
    const b = startBatch(await openNetns(sb.container.path));
    const err = await b.send([["link", "set", "dev", "lo", "up"], ["addr", "add", "10.9.0.2/24", "dev", "nosuch0"]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatchError);
    expect((err as BatchError).index).toBe(1);
    expect((err as BatchError).argv).toContain("nosuch0");
  });
});
