import { execa } from "execa";
import { exec } from "./exec.js";
import type { Netns } from "./sandbox.js";

// No ping on these machines: prove reachability with a one-shot TCP exchange run by node itself.
const SERVER = `
const net = require("node:net");
const [ip, token] = process.argv.slice(1);
const srv = net.createServer((s) => { s.end(token); srv.close(); });
srv.listen(0, ip, () => process.stdout.write(String(srv.address().port) + "\\n"));
setTimeout(() => process.exit(2), Number(process.argv[3])).unref();
`;
const CLIENT = `
const net = require("node:net");
const [ip, port, ms] = process.argv.slice(1);
const s = net.connect({ host: ip, port: Number(port), timeout: Number(ms) });
let got = "";
s.on("data", (d) => (got += d));
s.on("end", () => { process.stdout.write(got); process.exit(0); });
s.on("timeout", () => process.exit(3));
s.on("error", (e) => { process.stderr.write(String(e)); process.exit(1); });
`;

/**
 * True when a TCP connection from `from` to `ip` (an address inside `to`) gets through.
 * IPv6 addresses work too. Uses the running node binary in both namespaces.
 */
export async function canConnect(from: Netns, to: Netns, ip: string, timeoutMs = 3000): Promise<boolean> {
  const token = `tscni-${process.pid}-${Date.now()}`;
  // execa: the server dies with the test process even when the test does not get to the finally.
  const server = execa("ip", ["netns", "exec", to.name, process.execPath, "-e", SERVER, ip, token, String(timeoutMs + 2000)], { stdin: "ignore", reject: false });
  try {
    const port = await new Promise<string | undefined>((resolve) => {
      let buf = "";
      server.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        if (buf.includes("\n")) resolve(buf.trim());
      });
      void server.then(() => resolve(undefined));
    });
    if (!port) return false;
    const r = await exec(["ip", "netns", "exec", from.name, process.execPath, "-e", CLIENT, ip, port, String(timeoutMs)], {
      timeoutMs: timeoutMs + 2000,
    });
    return r.exitCode === 0 && r.stdout === token;
  } finally {
    server.kill("SIGKILL");
    await server;
  }
}
