// A real etcd cluster in throwaway namespaces, for cluster-ipam's tests, bench and demo.
export { EtcdCluster, type EtcdClusterOptions, type EtcdMember } from "./cluster.js";
export { Fabric, FABRIC_NET, type FabricNode } from "./fabric.js";
export { makeTestCerts, type TestCerts } from "./certs.js";
