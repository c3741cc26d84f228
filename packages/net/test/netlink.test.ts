// The rtnetlink wire format of the in-process backend (src/netlink). The requests themselves
// run under bun against real namespaces in ops.test.ts, next to the iproute2 backend.
import { describe, expect, it } from "vitest";
import { attr, decodeAttrs, decodeMessages, encodeAttrs, encodeMessage, ifinfomsg } from "../src/netlink/codec.js";

describe("netlink codec", () => {
  it("pads attributes to 4 bytes, nests them, and reads back what it wrote", () => {
    const enc = encodeAttrs([attr.str(3, "eth0"), attr.u32(4, 1400), attr.nested(18, [attr.str(1, "veth")])]);
    // "eth0\0" is 5 bytes: 4 + 5 = 9, padded to 12; then 8; then 4 + (4 + 5 -> 12) = 16.
    expect(enc.length).toBe(12 + 8 + 16);
    const a = decodeAttrs(enc);
    expect(a.get(3)!.toString()).toBe("eth0\0");
    expect(a.get(4)!.readUInt32LE(0)).toBe(1400);
    expect(decodeAttrs(a.get(18)!).get(1)!.toString()).toBe("veth\0");
  });

  it("frames messages with their length, type, flags and sequence; several per datagram", () => {
    const m1 = encodeMessage(18, 0x5, 7, ifinfomsg({ index: 3 }), [attr.str(3, "lo")]);
    const m2 = encodeMessage(2, 0, 8, Buffer.alloc(4), []);
    expect(m1.readUInt32LE(0)).toBe(m1.length);
    const [a, b] = decodeMessages(Buffer.concat([m1, m2]));
    expect(a).toMatchObject({ type: 18, flags: 0x5, seq: 7 });
    expect(a!.body.readInt32LE(4)).toBe(3);
    expect(b).toMatchObject({ type: 2, seq: 8 });
    expect(decodeMessages(m1.subarray(0, 10))).toEqual([]); // truncated: nothing
  });
});
