import type { Interface, IPConfig, Result } from "./result.js";

export interface ContainerInterface {
  /** Index in result.interfaces (what ips[].interface refers to). */
  index: number;
  iface: Interface;
  /** The addresses the result gives this interface. */
  ips: IPConfig[];
}

/**
 * The interface an earlier plugin made in the container for this attachment: named
 * `ifname` and, when `netns` is given, with that sandbox (a chained plugin passes
 * CNI_IFNAME and CNI_NETNS), with the addresses that point at it. Undefined when the
 * result has no such interface.
 */
export function containerInterface(result: Result | undefined, ifname: string, netns?: string): ContainerInterface | undefined {
  const ifaces = result?.interfaces ?? [];
  const index = ifaces.findIndex((i) => i.name === ifname && i.sandbox !== undefined && i.sandbox !== "" && (netns === undefined || i.sandbox === netns));
  if (index < 0) return undefined;
  return { index, iface: ifaces[index]!, ips: (result?.ips ?? []).filter((ip) => ip.interface === index) };
}
