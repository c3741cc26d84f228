import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execOk } from "../exec.js";

/** Files of a throwaway PKI for an etcd cluster with client certificates. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Signed by `ca`, no CommonName: etcd accepts it (with auth on, its JSON gateway refuses a certificate with a CN). */
  clientCert: string;
  clientKey: string;
  /** Signed by `ca` with a CommonName: refused by the gateway of a cluster with auth on. */
  cnClientCert: string;
  cnClientKey: string;
  /** Signed by a second CA etcd does not trust: etcd refuses it. */
  rogueCert: string;
  rogueKey: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function selfSigned(dir: string, name: string, subject: string): Promise<void> {
  await execOk(["openssl", "req", "-x509", ...EC, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.crt`), "-subj", subject, "-days", "2"]);
}

/** A key and a certificate for it signed by `ca`, with the given extensions (an OpenSSL extension file section). */
async function signed(dir: string, name: string, subject: string, ca: string, ext: string): Promise<void> {
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `[v]\n${ext}\n`);
  await execOk(["openssl", "req", ...EC, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.csr`), "-subj", subject]);
  await execOk([
    "openssl", "x509", "-req", "-in", join(dir, `${name}.csr`), "-CA", join(dir, `${ca}.crt`), "-CAkey", join(dir, `${ca}.key`),
    "-CAcreateserial", "-out", join(dir, `${name}.crt`), "-days", "2", "-extfile", extFile, "-extensions", "v",
  ]);
}

/**
 * A CA, a server certificate for the member addresses (and 127.0.0.1), a client
 * certificate from the same CA, and one from a rogue CA, all made with openssl in `dir`.
 */
export async function makeTestCerts(dir: string, serverIPs: readonly string[]): Promise<TestCerts> {
  await selfSigned(dir, "ca", "/CN=tscni-test-ca");
  await selfSigned(dir, "rogue-ca", "/CN=tscni-rogue-ca");
  const san = ["127.0.0.1", ...serverIPs].map((ip) => `IP:${ip}`).join(",");
  // The gateway connects to its own gRPC listener with the server certificate: it needs clientAuth too.
  await signed(dir, "server", "/CN=etcd", "ca", `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth`);
  await signed(dir, "client", "/O=tscni-test", "ca", "extendedKeyUsage=clientAuth");
  await signed(dir, "cn-client", "/CN=tscni-client", "ca", "extendedKeyUsage=clientAuth");
  await signed(dir, "rogue", "/O=tscni-test", "rogue-ca", "extendedKeyUsage=clientAuth");
  const f = (n: string) => join(dir, n);
  return {
    dir,
    ca: f("ca.crt"),
    serverCert: f("server.crt"),
    serverKey: f("server.key"),
    clientCert: f("client.crt"),
    clientKey: f("client.key"),
    cnClientCert: f("cn-client.crt"),
    cnClientKey: f("cn-client.key"),
    rogueCert: f("rogue.crt"),
    rogueKey: f("rogue.key"),
  };
}
