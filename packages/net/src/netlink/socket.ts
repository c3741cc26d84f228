import { errnoName, errnoText } from "../errors.js";
import { libc, type Libc } from "../libc.js";
import { threadNetns } from "../thread-netns.js";
import { NLM_F, NLMSG, attrString, decodeAttrs, decodeMessages, encodeMessage, type Attr, type Reply } from "./codec.js";

const AF_NETLINK = 16;
const SOCK_RAW_CLOEXEC = 3 | 0x80000;
const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const NLMSGERR_ATTR_MSG = 1;
const EINTR = 4;

/**
 * The kernel refused a request: errno and the kernel's own words (extended ACK) when it
 * sent any. The netlink backend turns it into a NetError naming the operation.
 */
export class NetlinkError extends Error {
  readonly code: string;
  constructor(readonly errno: number, readonly what: string, readonly extack?: string) {
    super(`${what}: ${extack ?? errnoText(errno)}`);
    this.name = "NetlinkError";
    this.code = errnoName(errno);
  }
}

/**
 * A NETLINK_ROUTE socket, bound to the netns it was opened in for its whole life. Requests
 * are synchronous: the kernel handles an rtnetlink request inside the send, so each call
 * costs only the kernel's own work (tens of microseconds for most).
 */
export class Rtnl {
  private seq = 0;
  private readonly buf = Buffer.alloc(64 * 1024);
  private readonly dest = Buffer.alloc(12);

  private constructor(private readonly c: Libc, private readonly fd: number) {
    this.dest.writeUInt16LE(AF_NETLINK, 0);
  }

  /** Under Bun: a socket in this thread's netns, or in the one at `netnsPath`. Elsewhere undefined. */
  static async open(netnsPath?: string): Promise<Rtnl | undefined> {
    const c = libc();
    if (!c) return undefined;
    const make = () => {
      const fd = c.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, NETLINK_ROUTE);
      if (fd < 0) throw new NetlinkError(c.errno(), "netlink socket");
      const one = Buffer.alloc(4);
      one.writeUInt32LE(1);
      c.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one, 4); // errors without our request echoed back
      c.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4); // and with the kernel's message
      return new Rtnl(c, fd);
    };
    if (!netnsPath) return make();
    const enter = await threadNetns();
    return enter ? enter(netnsPath, make) : undefined;
  }

  /** Send one request with NLM_F_ACK; the replies before the ACK (GET answers). */
  request(what: string, type: number, flags: number, header: Uint8Array, attrs: readonly Attr[] = []): Reply[] {
    const seq = ++this.seq;
    const msg = encodeMessage(type, flags | NLM_F.REQUEST | NLM_F.ACK, seq, header, attrs);
    this.retry(what, () => this.c.sendto(this.fd, msg, msg.length, 0, this.dest, 12));
    const replies: Reply[] = [];
    for (;;) {
      const n = this.retry(what, () => this.c.recv(this.fd, this.buf, this.buf.length, 0));
      for (const m of decodeMessages(Buffer.from(this.buf.subarray(0, n)))) {
        if (m.seq !== seq) continue;
        if (m.type === NLMSG.ERROR) {
          const err = -m.body.readInt32LE(0);
          if (err === 0) return replies;
          // With CAP_ACK the echoed request is its header only; extended-ACK attributes follow.
          throw new NetlinkError(err, what, attrString(decodeAttrs(m.body, 4 + 16).get(NLMSGERR_ATTR_MSG)));
        }
        if (m.type === NLMSG.DONE) return replies;
        replies.push(m);
      }
    }
  }

  /** A syscall, again while a signal (a child's SIGCHLD, say) interrupts it; other errors throw. */
  private retry(what: string, call: () => number): number {
    for (;;) {
      const n = call();
      if (n >= 0) return n;
      const errno = this.c.errno();
      if (errno !== EINTR) throw new NetlinkError(errno, what);
    }
  }

  close(): void {
    this.c.close(this.fd);
  }
}
