import { formatPatch, structuredPatch } from "diff";

export interface FileDiffInput {
  path: string;
  /** null when the file does not exist on that side. */
  before: string | null;
  after: string | null;
}

/** A git-style unified diff (applies with `git apply` or `patch -p1`) of every file that differs. */
export function unifiedDiff(files: readonly FileDiffInput[]): string {
  const patches = files
    .filter((f) => f.before !== f.after)
    .map((f) => {
      const p = structuredPatch(
        f.before === null ? "/dev/null" : `a/${f.path}`,
        f.after === null ? "/dev/null" : `b/${f.path}`,
        f.before ?? "",
        f.after ?? "",
        undefined,
        undefined,
        { context: 3 },
      );
      return {
        ...p,
        isGit: true,
        isCreate: f.before === null,
        isDelete: f.after === null,
        ...(f.before === null ? { newMode: "100644" } : {}),
        ...(f.after === null ? { oldMode: "100644" } : {}),
      };
    });
  return patches.length ? formatPatch(patches) : "";
}
