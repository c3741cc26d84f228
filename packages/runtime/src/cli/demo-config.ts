/** The demo's networks: loopback for lo, bridge + host-local for eth0 (as a container runtime would attach them). */
export function demoNetworks(opts: { cniVersion: string; bridge: string; subnet: string; dataDir: string }): Array<Record<string, unknown>> {
  return [
    { cniVersion: opts.cniVersion, name: "demo-lo", plugins: [{ type: "loopback" }] },
    {
      cniVersion: opts.cniVersion,
      name: "demo-br",
      plugins: [
        {
          type: "bridge",
          bridge: opts.bridge,
          isGateway: true,
          ipMasq: false,
          ipam: { type: "host-local", dataDir: opts.dataDir, ranges: [[{ subnet: opts.subnet }]], routes: [{ dst: "0.0.0.0/0" }] },
        },
      ],
    },
  ];
}
