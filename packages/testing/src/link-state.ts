import { runIn, type Netns } from "./sandbox.js";

/** Whether `dev` in `ns` is administratively up (IFF_UP), as `ip -json link show` reports it. */
export async function isLinkUp(ns: Netns | string, dev: string): Promise<boolean> {
  const { stdout } = await runIn(ns, ["ip", "-json", "link", "show", "dev", dev]);
  return (JSON.parse(stdout)[0].flags as string[]).includes("UP");
}
