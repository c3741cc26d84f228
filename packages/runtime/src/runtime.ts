import type { CniError } from "@tscni/types";
import { listCached, type CachedAttachment } from "./cache/results.js";
import type { Attachment } from "./conf/derive.js";
import { resolveOptions, type Resolved, type RuntimeOptions } from "./options.js";
import { add, check, del, type AttachmentRequest } from "./ops/attachment.js";
import { deinit, gc, init, removeNetwork, status, versions, type GcReport, type PluginVersionInfo } from "./ops/network.js";
import { networks, reconcile, type NetworkReport, type ReconcileReport } from "./ops/reconcile.js";
import type { NetworkRef } from "./ops/resolve.js";

/** The libcni equivalent: every operation of docs/lifecycle.md and SPEC.md sections 3-4 on one set of options. */
export interface Runtime {
  readonly options: Resolved;
  add(req: AttachmentRequest): Promise<Record<string, unknown> | undefined>;
  del(req: AttachmentRequest): Promise<void>;
  check(req: AttachmentRequest): Promise<void>;
  status(network: NetworkRef): Promise<void>;
  gc(network: NetworkRef, validAttachments: Attachment[]): Promise<GcReport>;
  init(network: NetworkRef): Promise<void>;
  /** Refuses while attachments are cached unless `force`. */
  deinit(network: NetworkRef, opts?: { force?: boolean }): Promise<void>;
  removeNetwork(network: NetworkRef): Promise<CniError[]>;
  versions(network: NetworkRef): Promise<{ network: string; cniVersion: string; plugins: PluginVersionInfo[] }>;
  reconcile(opts?: { force?: boolean }): Promise<ReconcileReport>;
  networks(): NetworkReport[];
  attachments(filter?: { network?: string; containerId?: string }): CachedAttachment[];
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const rt = resolveOptions(options);
  return {
    options: rt,
    add: (req) => add(rt, req),
    del: (req) => del(rt, req),
    check: (req) => check(rt, req),
    status: (n) => status(rt, n),
    gc: (n, valid) => gc(rt, n, valid),
    init: (n) => init(rt, n),
    deinit: (n, o) => deinit(rt, n, o),
    removeNetwork: (n) => removeNetwork(rt, n),
    versions: (n) => versions(rt, n),
    reconcile: (o) => reconcile(rt, o),
    networks: () => networks(rt),
    attachments: (f) => listCached(rt.cacheDir, f),
  };
}
