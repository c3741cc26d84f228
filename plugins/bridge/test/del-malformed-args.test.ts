import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "@tscni/types";
import { createSandbox, leftovers, type Sandbox } from "@tscni/testing";
import { call, conf, links, ports } from "./helpers.js";

// Only ADD reads CNI_ARGS (for MAC=): a DEL whose CNI_ARGS cannot be parsed must still take
// the veth and the reservation away (the hardening fuzzer found an ADD whose DEL failed so).
const PREFIX = "tbma-";
let sb: Sandbox;
beforeEach(async () => (sb = await createSandbox({ prefix: PREFIX, containers: 2 })));
afterEach(async () => {
  await sb?.cleanup();
  expect(leftovers(PREFIX)).toEqual({ netns: [], mounts: [], tmpDirs: [] });
});

const reservations = () => {
  const d = join(sb.tmpDir, "ipam", "tbrnet");
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d/.test(f)) : [];
};
const containerLinks = async (i: number) => (await links(sb, sb.containers[i]!)).map((l: any) => l.ifname).filter((n: string) => n !== "lo");

describe("bridge DEL with CNI_ARGS it cannot parse", () => {
  it("releases the veth, the container's interface and the reservation", async () => {
    const c = conf(sb);
    const malformed = ["a=b=c", "x"];
    for (const [i] of malformed.entries()) {
      const add = await call(sb, "ADD", c, { containerId: `m${i}`, netns: sb.containers[i]!.path, cniArgs: `IgnoreUnknown=1;MAC=02:00:00:00:00:2${i}` });
      expect(add.exitCode, add.stdout).toBe(0);
      const eth0 = (await links(sb, sb.containers[i]!)).find((l: any) => l.ifname === "eth0");
      expect(eth0?.address, "ADD took MAC= from CNI_ARGS").toBe(`02:00:00:00:00:2${i}`);
    }
    expect(await ports(sb)).toHaveLength(2);
    expect(reservations()).toHaveLength(2);
    for (const [i, args] of malformed.entries()) {
      const del = await call(sb, "DEL", c, { containerId: `m${i}`, netns: sb.containers[i]!.path, cniArgs: args });
      expect(del.exitCode, `${args}: ${del.stdout}`).toBe(0);
      expect(await containerLinks(i), args).toEqual([]);
    }
    expect(await ports(sb)).toEqual([]);
    expect(reservations()).toEqual([]);
  });

  it("ADD still reads it: malformed CNI_ARGS fail the ADD with code 4 before anything is made", async () => {
    const add = await call(sb, "ADD", conf(sb), { cniArgs: "a=b=c" });
    expect(add.exitCode).toBe(1);
    expect((add.json as { code: number }).code).toBe(ErrorCode.InvalidEnv);
    expect(await ports(sb)).toEqual([]);
    expect(reservations()).toEqual([]);
  });
});
