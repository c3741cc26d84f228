import { closeSync, openSync } from "node:fs";
import { CniError, ErrorCode } from "@tscni/types";
import { NetlinkError, NetnsError, nlCreateVeth, nlDeleteLink, nlGetLink, nlSetAlias, nlSetBridgePort, nlSetUp, randomVethName, type Rtnl } from "@tscni/net";
import type { BridgeConf } from "./config.js";
import { BridgeMissing, type HostSide, type VethRequest } from "./veth-request.js";

const IFF_UP = 1;

/** The container netns, as an fd for IFLA_NET_NS_FD; gone since openNetns checked it: NetnsError. */
function openPeer(path: string): number {
  try {
    return openSync(path, "r");
  } catch (e) {
    throw new NetnsError(path, "missing", (e as Error).message);
  }
}

/**
 * createHostVeth's work as netlink requests on this process's own socket (standalone
 * build): the same steps and outcomes as its `ip -batch`, without the exec. The veth is
 * created already on the bridge and up; a failure after it exists deletes it again.
 */
export function createHostVethNl(s: Rtnl, conf: BridgeConf, req: VethRequest): HostSide {
  for (let attempt = 0; attempt < 4; attempt++) {
    const host = req.hostName ?? randomVethName();
    const bridge = nlGetLink(s, conf.bridge);
    if (!bridge) throw new BridgeMissing(conf.bridge);
    if (!(bridge.flags & IFF_UP)) nlSetUp(s, bridge.index, conf.bridge);
    const peerFd = openPeer(req.peer.path || "/proc/self/ns/net");
    try {
      nlCreateVeth(s, { name: host, peerName: req.ifname, peerNetnsFd: peerFd, peerMac: req.mac, mtu: req.mtu, master: bridge.index });
    } catch (e) {
      if (!(e instanceof NetlinkError && e.code === "EEXIST")) throw e;
      // Which end is taken? The container's name is an error; a random host name, retry.
      if (req.hostName === undefined && !nlGetLink(s, host)) {
        throw new CniError(ErrorCode.Internal, `container veth name provided (${req.ifname}) already exists`);
      }
      if (req.hostName === undefined) continue;
      throw new CniError(ErrorCode.Internal, `a link named ${host} already exists`);
    } finally {
      closeSync(peerFd);
    }
    try {
      const made = nlGetLink(s, host);
      if (!made) throw new CniError(ErrorCode.Internal, `veth ${host} vanished right after it was created`);
      nlSetAlias(s, made.index, host, req.alias);
      if (conf.hairpinMode || conf.portIsolation) {
        nlSetBridgePort(s, made.index, host, { ...(conf.hairpinMode ? { hairpin: true } : {}), ...(conf.portIsolation ? { isolated: true } : {}) });
      }
      // Read the bridge again: one without a MAC of its own takes its lowest port's.
      return { host: made, bridge: nlGetLink(s, conf.bridge) ?? bridge };
    } catch (e) {
      try {
        nlDeleteLink(s, host);
      } catch {
        // already gone
      }
      throw e;
    }
  }
  throw new CniError(ErrorCode.TryAgainLater, "failed to find a unique veth name");
}
