import { CniError, ErrorCode } from "@tscni/types";

/*
 * One error for a failed host operation, whichever backend ran it: the operation as one
 * would type it to `ip`, the object it names, the kernel's reason in the words `ip` prints
 * ("File exists", the kernel's extended-ack text), the same class and the same CNI code.
 * Only `details` says how it ran (the netlink request's errno, or the command line and
 * stderr of the exec).
 */

/** What kind of refusal, so callers can branch without reading text. */
export type NetFailure = "exists" | "not-found" | "busy" | "invalid" | "unsupported" | "missing-binary" | "other";

/** errno: [name, text as strerror(3) and so `ip` print it]. */
const ERRNO: Record<number, [string, string]> = {
  1: ["EPERM", "Operation not permitted"],
  2: ["ENOENT", "No such file or directory"],
  3: ["ESRCH", "No such process"],
  4: ["EINTR", "Interrupted system call"],
  5: ["EIO", "Input/output error"],
  7: ["E2BIG", "Argument list too long"],
  9: ["EBADF", "Bad file descriptor"],
  11: ["EAGAIN", "Resource temporarily unavailable"],
  12: ["ENOMEM", "Cannot allocate memory"],
  13: ["EACCES", "Permission denied"],
  16: ["EBUSY", "Device or resource busy"],
  17: ["EEXIST", "File exists"],
  19: ["ENODEV", "No such device"],
  20: ["ENOTDIR", "Not a directory"],
  21: ["EISDIR", "Is a directory"],
  22: ["EINVAL", "Invalid argument"],
  24: ["EMFILE", "Too many open files"],
  28: ["ENOSPC", "No space left on device"],
  30: ["EROFS", "Read-only file system"],
  34: ["ERANGE", "Numerical result out of range"],
  36: ["ENAMETOOLONG", "File name too long"],
  39: ["ENOTEMPTY", "Directory not empty"],
  90: ["EMSGSIZE", "Message too long"],
  93: ["EPROTONOSUPPORT", "Protocol not supported"],
  95: ["EOPNOTSUPP", "Operation not supported"],
  97: ["EAFNOSUPPORT", "Address family not supported by protocol"],
  98: ["EADDRINUSE", "Address already in use"],
  99: ["EADDRNOTAVAIL", "Cannot assign requested address"],
  100: ["ENETDOWN", "Network is down"],
  101: ["ENETUNREACH", "Network is unreachable"],
  105: ["ENOBUFS", "No buffer space available"],
  113: ["EHOSTUNREACH", "No route to host"],
};

export const errnoName = (n: number): string => ERRNO[n]?.[0] ?? `E${n}`;
export const errnoText = (n: number): string => ERRNO[n]?.[1] ?? `Unknown error ${n}`;

/** The errno whose name (ENOENT) or text (No such file or directory) this is. */
export function errnoOf(nameOrText: string): number | undefined {
  for (const [n, [name, text]] of Object.entries(ERRNO)) if (name === nameOrText || text === nameOrText) return Number(n);
  return undefined;
}

const BY_ERRNO: Record<string, NetFailure> = {
  EEXIST: "exists", EADDRINUSE: "exists",
  ENOENT: "not-found", ENODEV: "not-found", ESRCH: "not-found", EADDRNOTAVAIL: "not-found",
  EBUSY: "busy", EAGAIN: "busy",
  EOPNOTSUPP: "unsupported", EAFNOSUPPORT: "unsupported", EPROTONOSUPPORT: "unsupported",
  EINVAL: "invalid", ERANGE: "invalid", ENETUNREACH: "invalid", EHOSTUNREACH: "invalid",
};

/**
 * The class of a refusal: by errno when known, else by the words (an `ip` that printed the
 * kernel's extended-ack text, which carries no errno; iptables, nft).
 */
export function classify(text: string, errno?: string): NetFailure {
  if (errno && BY_ERRNO[errno]) return BY_ERRNO[errno];
  if (/File exists|already exists|Address already assigned/i.test(text)) return "exists";
  if (/Cannot find device|Address not found|Cannot assign requested address|No such file or directory|No such device|does not exist|No such process|doesn't exist|Bad rule \(does a matching rule exist|No chain\/target\/match by that name|Cannot open network namespace/i.test(text)) return "not-found";
  if (/Resource busy|Device or resource busy|Resource temporarily unavailable|Another app is currently holding the xtables lock/i.test(text)) return "busy";
  if (/Operation not supported|Not supported|Unknown device type/i.test(text)) return "unsupported";
  if (/Invalid argument|invalid|Error: argument|Numerical result out of range|not a valid|unreachable/i.test(text)) return "invalid";
  return "other";
}

/** The CNI code of a failure class: 11 when trying again may help, 50 for a missing program, else 999. */
export function codeFor(f: NetFailure): number {
  if (f === "busy") return ErrorCode.TryAgainLater;
  if (f === "missing-binary") return ErrorCode.NotAvailable;
  return ErrorCode.Internal;
}

export interface NetErrorInit {
  /** The operation as one would type it (describeOp). */
  op: string;
  /** Its position in the plan (`apply`); -1 when the backend could not tell which failed. */
  index: number;
  reason: string;
  errno?: string | undefined;
  failure?: NetFailure | undefined;
  details: string;
  argv?: readonly string[] | undefined;
  stderr?: string | undefined;
}

/**
 * A host operation the kernel (or `ip`) refused. msg: `<operation>: <reason>`, one line.
 * In a plan, the operations before `index` were done and none after it was tried.
 */
export class NetError extends CniError {
  readonly op: string;
  readonly index: number;
  readonly reason: string;
  readonly failure: NetFailure;
  readonly errno: string | undefined;
  readonly argv: readonly string[] | undefined;
  readonly stderr: string | undefined;
  declare readonly details: string;
  constructor(i: NetErrorInit) {
    const failure = i.failure ?? classify(i.reason, i.errno);
    super(codeFor(failure), `${i.op}: ${i.reason}`, i.details);
    this.name = "NetError";
    this.op = i.op;
    this.index = i.index;
    this.reason = i.reason;
    this.failure = failure;
    this.errno = i.errno;
    this.argv = i.argv;
    this.stderr = i.stderr;
  }
  /** The same failure at another position (a plan's op index). */
  at(index: number): NetError {
    return new NetError({ ...this, index, details: this.details });
  }
}

/** True for a NetError or an ExecError of that class. */
export function isFailure(e: unknown, f: NetFailure): boolean {
  return typeof e === "object" && e !== null && (e as { failure?: unknown }).failure === f && e instanceof CniError;
}
