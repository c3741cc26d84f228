import { appendFileSync } from "node:fs";
import { CniError, ErrorCode, type Result } from "@tscni/types";
import type { Context, Plugin } from "@tscni/skel";
import { fixtureConfigSchema, type FixtureConfig } from "./config.js";

type Ctx = Context<FixtureConfig>;

export const FIXTURE_MAC = "02:00:00:00:00:01";

/** What every call reports (stderr line "FIXTURE {json}", and recordFile when set). */
function echo(ctx: Ctx, extra: Record<string, unknown> = {}): void {
  const call = {
    command: ctx.command,
    containerId: ctx.containerId,
    netns: ctx.netns,
    ifname: ctx.ifname,
    args: ctx.args,
    path: ctx.path,
    name: ctx.config.name,
    hasPrevResult: ctx.prevResult !== undefined,
    ...extra,
  };
  const line = JSON.stringify(call);
  ctx.log.info(`FIXTURE ${line}`);
  const file = ctx.config.fixture?.recordFile;
  if (file) appendFileSync(file, line + "\n");
}

/** Fail the way the config asks, if it asks for this verb. */
async function maybeFail(ctx: Ctx): Promise<void> {
  const f = ctx.config.fixture;
  if (!f?.failOn?.includes(ctx.command as never)) return;
  const msg = f.msg ?? `fixture: ${ctx.command} failed as configured`;
  switch (f.failWith ?? "cni") {
    case "cni":
      throw new CniError(f.code ?? ErrorCode.TryAgainLater, msg, f.details);
    case "error":
      throw new Error(msg);
    case "hang":
      await new Promise(() => setInterval(() => {}, 1 << 30)); // keeps the process alive forever
  }
}

/** ADD: prevResult (already 1.1.0-shaped) plus one interface, one address, one default route. */
export function addResult(ctx: Ctx): Result {
  const prev = ctx.prevResult;
  const f = ctx.config.fixture;
  const interfaces = [...(prev?.interfaces ?? []), { name: ctx.ifname, mac: FIXTURE_MAC, sandbox: ctx.netns }];
  const gateway = f?.gateway ?? "10.1.2.1";
  const result: Result = {
    interfaces,
    ips: [...(prev?.ips ?? []), { interface: interfaces.length - 1, address: f?.address ?? "10.1.2.3/24", gateway }],
    routes: [...(prev?.routes ?? []), { dst: "0.0.0.0/0", gw: gateway }],
  };
  const dns = ctx.config.dns ?? prev?.dns;
  if (dns) result.dns = dns;
  return result;
}

/** Verbs with nothing of their own: record the call, fail when the config says so. */
async function plain(ctx: Ctx): Promise<void> {
  echo(ctx);
  await maybeFail(ctx);
}

export const fixturePlugin: Plugin<typeof fixtureConfigSchema> = {
  about: "tscni fixture plugin (SDK tests)",
  config: fixtureConfigSchema,
  async add(ctx) {
    echo(ctx);
    await maybeFail(ctx);
    return addResult(ctx);
  },
  del: plain,
  async check(ctx) {
    echo(ctx);
    await maybeFail(ctx);
    if (!ctx.prevResult) throw new CniError(ErrorCode.InvalidConfig, "fixture: CHECK needs prevResult");
    if (!ctx.prevResult.interfaces?.some((i) => i.name === ctx.ifname))
      throw new CniError(ErrorCode.Internal, `fixture: interface ${ctx.ifname} not in prevResult`);
  },
  status: plain,
  async gc(ctx) {
    echo(ctx, { validAttachments: ctx.config["cni.dev/valid-attachments"] ?? null });
    await maybeFail(ctx);
  },
  init: plain,
  deinit: plain,
};
