import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execOk } from "../exec.js";

/** Files of a throwaway PKI for an etcd cluster with client certificates. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** Signed by `ca`: etcd accepts it. */
  clientCert: string;
  clientKey: string;
  /** Signed by a second CA etcd does not trust: etcd refuses it. */
  rogueCert: string;
  rogueKey: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function selfSigned(dir: string, name: string, cn: string): Promise<void> {
  await execOk(["openssl", "req", "-x509", ...EC, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.crt`), "-subj", `/CN=${cn}`, "-days", "2"]);
}

/** A key and a certificate for it signed by `ca`, with the given extensions (an OpenSSL extension file section). */
async function signed(dir: string, name: string, cn: string, ca: string, ext: string): Promise<void> {
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `[v]\n${ext}\n`);
  await execOk(["openssl", "req", ...EC, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.csr`), "-subj", `/CN=${cn}`]);
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
  await selfSigned(dir, "ca", "tscni-test-ca");
  await selfSigned(dir, "rogue-ca", "tscni-rogue-ca");
  const san = ["127.0.0.1", ...serverIPs].map((ip) => `IP:${ip}`).join(",");
  await signed(dir, "server", "etcd", "ca", `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth`);
  await signed(dir, "client", "tscni-client", "ca", "extendedKeyUsage=clientAuth");
  await signed(dir, "rogue", "tscni-client", "rogue-ca", "extendedKeyUsage=clientAuth");
  const f = (n: string) => join(dir, n);
  return {
    dir,
    ca: f("ca.crt"),
    serverCert: f("server.crt"),
    serverKey: f("server.key"),
    clientCert: f("client.crt"),
    clientKey: f("client.key"),
    rogueCert: f("rogue.crt"),
    rogueKey: f("rogue.key"),
  };
}
