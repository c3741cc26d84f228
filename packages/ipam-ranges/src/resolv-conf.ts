import { readFileSync } from "node:fs";
import { CniError, ErrorCode } from "@tscni/types";

export interface DnsConfig {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** Reads nameserver/domain/search/options from a resolv.conf, as Go host-local's resolvConf key does. */
export function parseResolvConf(text: string): DnsConfig {
  const dns: DnsConfig = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const f = line.split(/\s+/);
    if (f.length < 2) continue;
    const rest = f.slice(1);
    switch (f[0]) {
      case "nameserver":
        (dns.nameservers ??= []).push(rest[0]!);
        break;
      case "domain":
        dns.domain = rest[0]!;
        break;
      case "search":
        (dns.search ??= []).push(...rest);
        break;
      case "options":
        (dns.options ??= []).push(...rest);
        break;
    }
  }
  return dns;
}

export function readResolvConf(path: string): DnsConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CniError(ErrorCode.InvalidConfig, `ipam.resolvConf: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseResolvConf(text);
}
