// A real etcd cluster in throwaway namespaces, for cluster-ipam's tests, bench and demo.
export { EtcdCluster, type EtcdClusterOptions, type EtcdMember } from "./cluster.js";
export { Fabric, FABRIC_NET, type FabricNode } from "./fabric.js";
export { makeTestCerts, type TestCerts } from "./certs.js";
// What a demo or bench needs next to the cluster, without the rest of @tscni/testing (its
// executables helpers read their module URL at load, which a bundled CLI does not have).
export { createNetns, deleteNetns, type Netns } from "../sandbox.js";
export { leftovers } from "../leftovers.js";
export { runPrefix } from "../names.js";
