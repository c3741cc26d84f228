/*
 * rtnetlink wire format (little-endian hosts): messages are a 16-byte nlmsghdr, a fixed
 * family header (ifinfomsg, ifaddrmsg, rtmsg) and type-length-value attributes, each
 * padded to 4 bytes; nested attributes carry attributes as their payload.
 */

export const NLM_F = { REQUEST: 0x1, ACK: 0x4, DUMP: 0x300, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400 } as const;
export const NLMSG = { ERROR: 2, DONE: 3 } as const;
export const RTM = { NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19, NEWADDR: 20, DELADDR: 21, GETADDR: 22, NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26 } as const;

/** One attribute: payload bytes, already encoded. */
export interface Attr {
  type: number;
  data: Uint8Array;
}

const align = (n: number) => (n + 3) & ~3;

export const attr = {
  bytes: (type: number, data: Uint8Array): Attr => ({ type, data }),
  u32(type: number, v: number): Attr {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return { type, data: b };
  },
  /** NUL-terminated, as the kernel's string attributes. */
  str: (type: number, s: string): Attr => ({ type, data: Buffer.from(`${s}\0`, "utf8") }),
  u8: (type: number, v: number): Attr => ({ type, data: Uint8Array.of(v) }),
  u16(type: number, v: number): Attr {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return { type, data: b };
  },
  nested: (type: number, attrs: readonly Attr[], header?: Uint8Array): Attr => ({ type, data: concat(header, encodeAttrs(attrs)) }),
};

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  return a ? Buffer.concat([a, b]) : b;
}

export function encodeAttrs(attrs: readonly Attr[]): Buffer {
  const out = Buffer.alloc(attrs.reduce((n, a) => n + align(4 + a.data.length), 0));
  let at = 0;
  for (const a of attrs) {
    out.writeUInt16LE(4 + a.data.length, at);
    out.writeUInt16LE(a.type, at + 2);
    out.set(a.data, at + 4);
    at += align(4 + a.data.length);
  }
  return out;
}

/** A whole request: nlmsghdr + family header + attributes. */
export function encodeMessage(type: number, flags: number, seq: number, header: Uint8Array, attrs: readonly Attr[]): Buffer {
  const body = Buffer.concat([header, encodeAttrs(attrs)]);
  const msg = Buffer.alloc(16 + body.length);
  msg.writeUInt32LE(msg.length, 0);
  msg.writeUInt16LE(type, 4);
  msg.writeUInt16LE(flags, 6);
  msg.writeUInt32LE(seq, 8);
  msg.writeUInt32LE(0, 12);
  msg.set(body, 16);
  return msg;
}

export function ifinfomsg(o: { family?: number; index?: number; flags?: number; change?: number } = {}): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(o.family ?? 0, 0);
  b.writeInt32LE(o.index ?? 0, 4);
  b.writeUInt32LE(o.flags ?? 0, 8);
  b.writeUInt32LE(o.change ?? 0, 12);
  return b;
}

export function ifaddrmsg(o: { family: number; prefixlen: number; flags: number; scope: number; index: number }): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(o.family, 0);
  b.writeUInt8(o.prefixlen, 1);
  b.writeUInt8(o.flags, 2);
  b.writeUInt8(o.scope, 3);
  b.writeUInt32LE(o.index, 4);
  return b;
}

export function rtmsg(o: { family: number; dstLen: number; table: number; protocol: number; scope: number; type: number }): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(o.family, 0);
  b.writeUInt8(o.dstLen, 1);
  b.writeUInt8(o.table, 4);
  b.writeUInt8(o.protocol, 5);
  b.writeUInt8(o.scope, 6);
  b.writeUInt8(o.type, 7);
  return b;
}

export interface Reply {
  type: number;
  flags: number;
  seq: number;
  /** Everything after the nlmsghdr. */
  body: Buffer;
}

/** The messages in one datagram. */
export function decodeMessages(buf: Buffer): Reply[] {
  const out: Reply[] = [];
  for (let at = 0; at + 16 <= buf.length; ) {
    const len = buf.readUInt32LE(at);
    if (len < 16 || at + len > buf.length) break;
    out.push({ type: buf.readUInt16LE(at + 4), flags: buf.readUInt16LE(at + 6), seq: buf.readUInt32LE(at + 8), body: buf.subarray(at + 16, at + len) });
    at += align(len);
  }
  return out;
}

/** Attributes from `offset` on (type with the nested flag bits masked off). */
export function decodeAttrs(buf: Buffer, offset = 0): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let at = offset; at + 4 <= buf.length; ) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > buf.length) break;
    out.set(buf.readUInt16LE(at + 2) & 0x3fff, buf.subarray(at + 4, at + len));
    at += align(len);
  }
  return out;
}

/** A NUL-terminated string attribute. */
export const attrString = (b: Buffer | undefined): string | undefined => (b ? b.toString("utf8").replace(/\0.*$/s, "") : undefined);
