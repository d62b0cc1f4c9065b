import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

interface Container {
  name: string;
  restartPolicy?: string;
  env?: { name: string; value?: string }[];
  startupProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  securityContext?: { runAsUser?: number; fsGroup?: number; runAsNonRoot?: boolean };
  initContainers?: Container[];
  containers: Container[];
  volumes: {
    name: string;
    secret?: { secretName: string };
    emptyDir?: object;
    persistentVolumeClaim?: object;
  }[];
}

const docs = parseAllDocuments(
  await readFile(new URL("../deploy/kubernetes/dreamd-sidecar.yaml", import.meta.url), "utf8"),
);
const objects = docs.map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as { kind: string; metadata: { name: string }; spec: { template: { spec: PodSpec } } };
});

describe("deploy/kubernetes", () => {
  const deployment = objects.find((o) => o.kind === "Deployment");
  const pod = deployment?.spec.template.spec as PodSpec;
  const dreamd = pod?.initContainers?.find((c) => c.name === "dreamd");

  it("parses, and runs dreamd as a native sidecar probed on /readyz", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      "Deployment",
      "PersistentVolumeClaim",
      "PersistentVolumeClaim",
      "Secret",
      "Service",
    ]);
    expect(dreamd?.restartPolicy).toBe("Always");
    expect(dreamd?.startupProbe?.httpGet?.path).toBe("/readyz");
  });

  it("is locked down: uid 65532, fsGroup, read-only root, no privilege escalation, resources set", () => {
    expect(pod.securityContext).toMatchObject({ runAsUser: 65532, fsGroup: 65532, runAsNonRoot: true });
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(c.resources?.requests, c.name).toBeDefined();
      expect(c.resources?.limits, c.name).toBeDefined();
    }
  });

  it("shares the memory volume, read-only for dreamd, and gives /tmp an emptyDir", () => {
    const mount = (c: Container | undefined, name: string) => c?.volumeMounts?.find((m) => m.name === name);
    expect(mount(dreamd, "memory")).toMatchObject({ mountPath: "/memory", readOnly: true });
    expect(mount(pod.containers[0], "memory")?.readOnly).toBeFalsy();
    expect(mount(dreamd, "proposals")?.mountPath).toBe("/proposals");
    expect(mount(dreamd, "tmp")?.mountPath).toBe("/tmp");
    expect(pod.volumes.find((v) => v.name === "tmp")?.emptyDir).toBeDefined();
  });

  it("takes the API token and the Anthropic key from a Secret, as files", () => {
    const env = Object.fromEntries((dreamd?.env ?? []).map((e) => [e.name, e.value]));
    expect(env.DREAMD_API_TOKEN_FILE).toMatch(/^\/var\/run\/secrets\/dreamd\//);
    expect(env.DREAMD_ANTHROPIC_API_KEY_FILE).toMatch(/^\/var\/run\/secrets\/dreamd\//);
    expect(pod.volumes.find((v) => v.name === "dreamd-secret")?.secret?.secretName).toBe("dreamd");
    expect(objects.find((o) => o.kind === "Secret")?.metadata.name).toBe("dreamd");
  });
});
