// The two backends word a refusal the same way: the kernel's errno (netlink) or the text
// `ip` printed for it (iproute2) become one reason, one failure class and one CNI code.
// Pure conversions here; the real refusals of both backends are in ops.test.ts.
import { describe, expect, it } from "vitest";
import { NetError } from "../src/errors.js";
import { reasonOf } from "../src/iproute2/backend.js";
import { netError } from "../src/netlink/backend.js";
import { NetlinkError } from "../src/netlink/socket.js";
import { checkOp, describeOp, type NetOp } from "../src/ops.js";
import { CURRENT_NETNS } from "../src/netns.js";

const op: NetOp = { op: "setLink", name: "eth0", up: true };

function viaIp(stderr: string): NetError {
  const { reason, errno } = reasonOf(stderr);
  return new NetError({ op: describeOp(op), index: 0, reason, errno, details: "" });
}
const viaNetlink = (errno: number, extack?: string) => netError(new NetlinkError(errno, "x", extack), op, 0, CURRENT_NETNS);
const seen = (e: NetError) => ({ msg: e.message, failure: e.failure, code: e.code });

describe("one refusal, one error, whichever backend", () => {
  it.each([
    ["RTNETLINK answers: File exists", 17, undefined, "File exists", "exists", 999],
    ['Cannot find device "eth0"', 19, undefined, "No such device", "not-found", 999],
    ['Error: argument "br9" is wrong: Device does not exist', 19, undefined, "No such device", "not-found", 999],
    ['Device "eth0" does not exist.', 19, undefined, "No such device", "not-found", 999],
    ["RTNETLINK answers: No such process", 3, undefined, "No such process", "not-found", 999],
    ["RTNETLINK answers: Device or resource busy", 16, undefined, "Device or resource busy", "busy", 11],
    ["RTNETLINK answers: Operation not supported", 95, undefined, "Operation not supported", "unsupported", 999],
    ["Error: Nexthop has invalid gateway.", 101, "Nexthop has invalid gateway", "Nexthop has invalid gateway.", "invalid", 999],
    ["Error: ipv4: Address not found.", 99, "ipv4: Address not found", "ipv4: Address not found.", "not-found", 999],
    ["Error: ipv4: Address already assigned.", 17, "ipv4: Address already assigned", "ipv4: Address already assigned.", "exists", 999],
    ["Error: Unknown device type.", 95, "Unknown device type", "Unknown device type.", "unsupported", 999],
  ] as const)("%s", (stderr, errno, extack, reason, failure, code) => {
    const ip = viaIp(`${stderr}\nCommand failed -:1\n`);
    const nl = viaNetlink(errno, extack);
    expect(seen(ip)).toEqual({ msg: `ip link set dev eth0 up: ${reason}`, failure, code });
    expect(seen(nl)).toEqual(seen(ip));
    expect(nl.details).toContain(`errno: ${nl.errno} (${errno})`);
  });
});

describe("operations are checked before anything runs", () => {
  it("normalises what both backends send and refuses what they could not", () => {
    expect(checkOp({ op: "addRoute", dst: "default", via: "FD00::1" })).toEqual({ op: "addRoute", dst: "::/0", family: 6, table: 254, via: "fd00::1" });
    expect(checkOp({ op: "createVeth", peerName: "eth0", peerNetns: CURRENT_NETNS, peerMac: "0A:58:00:00:00:01" })).toMatchObject({ peerMac: "0a:58:00:00:00:01" });
    expect(checkOp({ op: "addAddr", dev: "eth0", cidr: "fd00:0::2/64" })).toMatchObject({ cidr: "fd00::2/64" });
    for (const bad of [
      { op: "addAddr", dev: "eth0", cidr: "10.0.0.1" },
      { op: "setLink", name: "eth0", alias: "two words" },
      { op: "setLink", name: "eth0", alias: "#comment" },
      { op: "setLink", name: "eth0", master: "a b" },
      { op: "addRoute", dst: "10.0.0.0/8", table: "mine" },
      { op: "setPortVlans", name: "p0", trunk: [0] },
      { op: "nope" },
    ]) {
      expect(() => checkOp(bad as NetOp)).toThrow(expect.objectContaining({ code: 7 }));
    }
  });

  it("names each operation as one would type it to ip", () => {
    expect(describeOp(checkOp({ op: "addRoute", dst: "10.1.0.0/16", via: "10.0.0.1", table: 100, metric: 5, onlink: true }))).toBe("ip route add 10.1.0.0/16 via 10.0.0.1 table 100 metric 5 onlink");
    expect(describeOp({ op: "setLink", name: "v0", master: null, up: false })).toBe("ip link set dev v0 nomaster down");
    expect(describeOp({ op: "deleteLink", name: "v0" })).toBe("ip link del dev v0");
  });
});
