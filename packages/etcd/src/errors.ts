import { CniError, ErrorCode } from "@tscni/types";

/**
 * Why an etcd operation failed:
 * - "unavailable": no endpoint answered in time, or none had a leader and quorum (code 11);
 * - "auth": our credentials were refused (TLS certificate, user/password, permissions) (code 7);
 * - "rejected": etcd refused the request itself (code 5).
 */
export type EtcdErrorKind = "unavailable" | "auth" | "rejected";

const CODES: Record<EtcdErrorKind, number> = {
  unavailable: ErrorCode.TryAgainLater,
  auth: ErrorCode.InvalidConfig,
  rejected: ErrorCode.IoFailure,
};

export class EtcdError extends CniError {
  constructor(
    readonly kind: EtcdErrorKind,
    msg: string,
    details?: string,
  ) {
    super(CODES[kind], msg, details);
  }
}

export function isEtcdError(e: unknown): e is EtcdError {
  return e instanceof EtcdError;
}

/** gRPC status codes the gateway puts in its error body. */
export const Grpc = {
  Canceled: 1,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** What to do with an error answer from one endpoint. */
export function errorAction(code: number | undefined, msg: string): "retry" | "renew-token" | "auth" | "auth-disabled" | "reject" {
  if (code === Grpc.Unauthenticated || /invalid auth token|auth token/.test(msg)) return "renew-token";
  if (/authentication is not enabled/.test(msg)) return "auth-disabled";
  if (code === Grpc.PermissionDenied || /authentication failed|user name is empty|user name not found|permission denied/.test(msg)) return "auth";
  if (code === Grpc.Unavailable || code === Grpc.DeadlineExceeded || code === Grpc.Canceled || (code === Grpc.ResourceExhausted && /too many requests/.test(msg)))
    return "retry";
  return "reject";
}
