// Test vectors transcribed from the example values in the CNI SPEC.md (1.1.0 appendix,
// 0.4.0 runtime examples, 0.2.0 result shape) — hand-written expected outputs.

/** SPEC 1.1.0 appendix: host-local's (IPAM, abbreviated) result for the bridge ADD. */
export const specIpamResult = {
  ips: [{ address: "10.1.0.5/16", gateway: "10.1.0.1" }],
  routes: [{ dst: "0.0.0.0/0" }],
  dns: { nameservers: ["10.1.0.1"] },
};

/** SPEC 1.1.0 appendix: the bridge plugin's ADD result. */
export const specBridgeResult = {
  ips: [{ address: "10.1.0.5/16", gateway: "10.1.0.1", interface: 2 }],
  routes: [{ dst: "0.0.0.0/0" }],
  interfaces: [
    { name: "cni0", mac: "00:11:22:33:44:55" },
    { name: "veth3243", mac: "55:44:33:22:11:11" },
    { name: "eth0", mac: "99:88:77:66:55:44", sandbox: "/var/run/netns/blue" },
  ],
  dns: { nameservers: ["10.1.0.1"] },
};

/** The bridge result as a 0.4.0 plugin prints it. */
export const bridgeResult040 = {
  cniVersion: "0.4.0",
  interfaces: [
    { name: "cni0", mac: "00:11:22:33:44:55" },
    { name: "veth3243", mac: "55:44:33:22:11:11" },
    { name: "eth0", mac: "99:88:77:66:55:44", sandbox: "/var/run/netns/blue" },
  ],
  ips: [{ version: "4", interface: 2, address: "10.1.0.5/16", gateway: "10.1.0.1" }],
  routes: [{ dst: "0.0.0.0/0" }],
  dns: { nameservers: ["10.1.0.1"] },
};

/** The bridge result in the 0.2.0 shape (SPEC 0.2.0 "Result": ip4/ip6 with nested routes). */
export const bridgeResult020 = {
  cniVersion: "0.2.0",
  ip4: { ip: "10.1.0.5/16", gateway: "10.1.0.1", routes: [{ dst: "0.0.0.0/0" }] },
  dns: { nameservers: ["10.1.0.1"] },
};

/** SPEC 0.4.0 runtime example: the prevResult handed to `tuning` (no cniVersion of its own). */
export const spec040PrevResult = {
  ips: [{ version: "4", address: "10.0.0.5/32", interface: 2 }],
  interfaces: [
    { name: "cni0", mac: "00:11:22:33:44:55" },
    { name: "veth3243", mac: "55:44:33:22:11:11" },
    { name: "eth0", mac: "99:88:77:66:55:44", sandbox: "/var/run/netns/blue" },
  ],
  dns: { nameservers: ["10.1.0.1"] },
};

/** SPEC 1.1.0 section 1: the "dbnet" network configuration list. */
export const specDbnetList = {
  cniVersion: "1.1.0",
  cniVersions: ["0.3.1", "0.4.0", "1.0.0", "1.1.0"],
  name: "dbnet",
  plugins: [
    {
      type: "bridge",
      bridge: "cni0",
      keyA: ["some more", "plugin specific", "configuration"],
      ipam: { type: "host-local", subnet: "10.1.0.0/16", gateway: "10.1.0.1", routes: [{ dst: "0.0.0.0/0" }] },
      dns: { nameservers: ["10.1.0.1"] },
    },
    { type: "tuning", capabilities: { mac: true }, sysctl: { "net.core.somaxconn": "500" } },
    { type: "portmap", capabilities: { portMappings: true } },
  ],
};

/** SPEC 1.1.0 appendix: request config for `portmap` with runtimeConfig and prevResult. */
export const specPortmapRequest = {
  cniVersion: "1.1.0",
  name: "dbnet",
  type: "portmap",
  runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }] },
  prevResult: specBridgeResult,
};

/** SPEC "VERSION Success" and "Error" examples. */
export const specVersionResult = { cniVersion: "1.1.0", supportedVersions: ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] };
export const specErrorResult = { cniVersion: "1.1.0", code: 7, msg: "Invalid Configuration", details: "Network 192.168.0.0/31 too small to allocate from." };

/** A 1.1.0 result using every field, including the 1.1 additions. */
export const richResult110 = {
  cniVersion: "1.1.0",
  interfaces: [
    { name: "cni0", mac: "00:11:22:33:44:55", mtu: 1500 },
    { name: "eth0", mac: "99:88:77:66:55:44", mtu: 1450, sandbox: "/var/run/netns/blue", socketPath: "/run/vhost.sock", pciID: "0000:00:1f.6" },
  ],
  ips: [
    { interface: 1, address: "10.1.0.5/16", gateway: "10.1.0.1" },
    { interface: 1, address: "10.1.0.6/16" },
    { interface: 1, address: "fd00:1::5/64", gateway: "fd00:1::1" },
    { interface: 1, address: "fd00:1::6/64" },
  ],
  routes: [
    { dst: "0.0.0.0/0", gw: "10.1.0.1", mtu: 1400, advmss: 1360, priority: 10, table: 100, scope: 0 },
    { dst: "192.168.0.0/16" },
    { dst: "::/0", gw: "fd00:1::1", scope: 253 },
  ],
  dns: { nameservers: ["10.1.0.1"], domain: "example.org", search: ["a.example.org"], options: ["ndots:2"] },
};
