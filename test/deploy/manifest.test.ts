// deploy/daemonset.yaml against the Kubernetes API schema (kubernetes-models' validation),
// plus what the schema cannot know: the init container's `tscni install` reads the paths
// its volumes mount, and the ConfigMap's conflist is one our runtime loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ConfigMap } from "kubernetes-models/v1";
import { DaemonSet } from "kubernetes-models/apps/v1";
import { parseConfList } from "@tscni/runtime";
import { REPO_ROOT } from "@tscni/testing/repo";

const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, "deploy/daemonset.yaml"), "utf8")).map((d) => d.toJS() as Record<string, any>);
const byKind = (kind: string) => docs.find((d) => d.kind === kind)!;

describe("deploy/daemonset.yaml", () => {
  it("is a ConfigMap and a DaemonSet that validate against the Kubernetes API schema", () => {
    expect(docs.map((d) => d.kind)).toEqual(["ConfigMap", "DaemonSet"]);
    expect(() => new ConfigMap(byKind("ConfigMap") as never).validate()).not.toThrow();
    expect(() => new DaemonSet(byKind("DaemonSet") as never).validate()).not.toThrow();
    // the validation can fail: a container without an image name is refused
    const broken = structuredClone(byKind("DaemonSet"));
    broken.spec.template.spec.initContainers[0].image = 5;
    expect(() => new DaemonSet(broken as never).validate()).toThrow(/image/);
  });

  it("selects its own pods, mounts what it names, and installs where the host's CNI directories are mounted", () => {
    const ds = byKind("DaemonSet");
    const spec = ds.spec.template.spec;
    expect(ds.spec.selector.matchLabels).toEqual(ds.spec.template.metadata.labels);
    const volumes = new Map<string, any>(spec.volumes.map((v: any) => [v.name, v]));
    const init = spec.initContainers.find((c: any) => c.name === "install-cni");
    for (const m of init.volumeMounts) expect(volumes.has(m.name), m.name).toBe(true);
    const mountOf = (path: string) => init.volumeMounts.find((m: any) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
    const arg = (flag: string) => init.args[init.args.indexOf(flag) + 1];
    expect(init.args[0]).toBe("install");
    expect(volumes.get(mountOf(arg("--dir")).name).hostPath.path).toBe("/opt/cni/bin");
    expect(volumes.get(mountOf(arg("--conf-dir")).name).hostPath.path).toBe("/etc/cni/net.d");
    const confMount = mountOf(arg("--conflist"));
    expect(volumes.get(confMount.name).configMap.name).toBe(byKind("ConfigMap").metadata.name);
    expect(byKind("ConfigMap").data).toHaveProperty(arg("--conflist").slice(confMount.mountPath.length + 1));
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    expect(spec.hostNetwork).toBe(true);
  });

  it("ships a conflist our runtime loads", () => {
    const list = parseConfList(byKind("ConfigMap").data["10-tscni.conflist"]);
    expect(list).toMatchObject({ name: "tscni", cniVersion: "1.1.0" });
    expect(list.plugins.map((p) => p.type)).toEqual(["bridge", "loopback"]);
  });
});
