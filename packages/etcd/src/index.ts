// etcd v3 through its JSON gateway: endpoints, TLS client certificates, user/password
// auth with a node-local token cache, failover and a deadline (code 11 when unavailable).
export { EtcdClient, rangeAt, type EtcdClientOptions, type KV, type RangeResult, type RangeOptions, type Op, type Compare, type TxnResult, type OpResult, type EtcdStats } from "./client.js";
export { EtcdError, isEtcdError, type EtcdErrorKind } from "./errors.js";
export { parseEndpoint, type Endpoint } from "./transport.js";
