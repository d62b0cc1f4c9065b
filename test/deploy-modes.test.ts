// Issue 14: the shipped deployments show both modes. Review-only (memory mounted read-only, the default)
// and apply (a read-write memory mount for the sidecar, or a one-shot apply that mounts it read-write).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const read = async (p: string) => readFile(new URL(`../${p}`, import.meta.url), "utf8");

interface Service {
  user?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const services = (text: string) => (parse(text) as { services: Record<string, Service> }).services;
const memoryMount = (s: Service | undefined) => s?.volumes?.find((v) => v.split(":")[1] === "/memory");

describe("deployments show review-only and apply modes", () => {
  it("compose.yaml is review-only; compose.apply.yaml mounts memory read-write for dreamd", async () => {
    const base = services(await read("compose.yaml"));
    expect(memoryMount(base.dreamd)).toBe("memory:/memory:ro");
    const apply = services(await read("compose.apply.yaml"));
    // The override replaces the mount by its target: read-write.
    expect(memoryMount(apply.dreamd)).toBe("memory:/memory");
    expect(apply.dreamd?.environment?.DREAMD_AUTONOMY).toContain("review");
    // The agent writes files dreamd may rewrite: same uid, group-writable, after the volume is given to it.
    expect(apply.agent?.user).toBe("65532:65532");
    expect(apply.agent?.environment?.AGENT_UMASK).toBe("002");
    expect(apply.agent?.depends_on?.["memory-init"]?.condition).toBe("service_completed_successfully");
  });

  it("the Kubernetes sidecar is review-only and the apply Job mounts memory read-write under the same lock", async () => {
    const sidecar = parseAllDocuments(await read("deploy/kubernetes/dreamd-sidecar.yaml")).map((d) =>
      d.toJS(),
    );
    const pod = sidecar.find((o) => o.kind === "Deployment").spec.template.spec;
    const mount = pod.initContainers[0].volumeMounts.find((m: { name: string }) => m.name === "memory");
    expect(mount.readOnly).toBe(true);
    const job = parse(await read("deploy/kubernetes/dreamd-apply-job.yaml"));
    expect(job.kind).toBe("Job");
    const spec = job.spec.template.spec;
    const c = spec.containers[0];
    expect(c.args[0]).toBe("apply");
    expect(c.volumeMounts.find((m: { name: string }) => m.name === "memory").readOnly).toBeFalsy();
    // The same volumes as the sidecar: the dream lock and the journal live on the proposals volume.
    const claims = (s: { volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] }) =>
      Object.fromEntries(s.volumes.map((v) => [v.name, v.persistentVolumeClaim?.claimName]));
    expect(claims(spec).memory).toBe(claims(pod).memory);
    expect(claims(spec).proposals).toBe(claims(pod).proposals);
    expect(spec.securityContext).toMatchObject({ runAsUser: 65532, fsGroup: 65532, runAsNonRoot: true });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
  });
});
