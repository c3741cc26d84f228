#!/usr/bin/env node
// A scriptable CNI plugin for runtime tests. Behaviour comes from its stdin config:
//   log: file to append one JSON line per call ({cmd, type, env, conf})
//   fail: { VERB: {code, msg} }          fail that verb
//   failIfExists: { VERB: path }          fail that verb while the file exists
//   unknown: [VERB...]                    answer code 4 "unknown CNI_COMMAND" (Go skel)
//   sleepMs: { VERB: n }                  sleep before answering
//   crash: VERB                           SIGKILL itself
//   barrier: { VERB: {dir, name, count} } create dir/name, wait until count files exist
//   badResult: { ADD: text }              print text as the ADD result (exit 0)
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const cmd = process.env.CNI_COMMAND;
const type = basename(process.argv[1]);
const out = (o) => process.stdout.write(JSON.stringify(o));
if (cmd === "VERSION") {
  const old = type.startsWith("old-");
  out({ cniVersion: "1.0.0", supportedVersions: old ? ["0.3.1", "0.4.0", "1.0.0"] : ["0.3.1", "0.4.0", "1.0.0", "1.1.0"] });
  process.exit(0);
}
const conf = JSON.parse(readFileSync(0, "utf8"));
const env = {};
for (const k of ["CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"]) if (k in process.env) env[k] = process.env[k];
const log = (phase) => conf.log && appendFileSync(conf.log, JSON.stringify({ phase, cmd, type, pid: process.pid, netns: readlinkSync("/proc/self/ns/net"), env, conf }) + "\n");
const fail = (code, msg) => { out({ cniVersion: conf.cniVersion, code, msg }); process.exit(1); };

if (type.startsWith("old-") && (!process.env.CNI_CONTAINERID) && !["ADD", "DEL", "CHECK"].includes(cmd)) fail(3, "missing containerID");
log("start");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (conf.sleepMs?.[cmd]) await sleep(conf.sleepMs[cmd]);
const b = conf.barrier?.[cmd];
if (b) {
  mkdirSync(b.dir, { recursive: true });
  writeFileSync(join(b.dir, b.name ?? `${process.pid}`), "");
  const deadline = Date.now() + 10000;
  while (readdirSync(b.dir).length < b.count) {
    if (Date.now() > deadline) fail(11, "barrier timeout");
    await sleep(20);
  }
}
if (conf.crash === cmd) process.kill(process.pid, "SIGKILL");
if ((conf.unknown ?? []).includes(cmd)) fail(4, `unknown CNI_COMMAND: ${cmd}`);
if (conf.fail?.[cmd]) fail(conf.fail[cmd].code, conf.fail[cmd].msg);
if (conf.failIfExists?.[cmd] && existsSync(conf.failIfExists[cmd])) fail(11, `${cmd} failing: ${conf.failIfExists[cmd]} exists`);
log("end");
if (cmd === "ADD") {
  const prev = conf.prevResult ?? { ips: [] };
  if (conf.badResult?.ADD !== undefined) { process.stdout.write(conf.badResult.ADD); process.exit(0); }
  out({ ...prev, cniVersion: conf.cniVersion, interfaces: [...(prev.interfaces ?? []), { name: `${type}-${env.CNI_IFNAME}` }] });
}
process.exit(0);
