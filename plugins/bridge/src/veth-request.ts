import type { Link, Netns } from "@tscni/net";

/** What ADD needs to know of a link: its name and MAC. */
export type LinkRef = Pick<Link, "name" | "mac">;

export interface HostSide {
  host: LinkRef;
  bridge: LinkRef;
}

/** The bridge named in the config does not exist (it was deleted behind our back). */
export class BridgeMissing extends Error {}

export interface VethRequest {
  /** Name of the container end, in `peer`. */
  ifname: string;
  peer: Netns;
  /** Container end's MAC (we pick one when none was requested, so we know it without asking). */
  mac: string;
  alias: string;
  /** Both ends' MTU. */
  mtu?: number | undefined;
}
