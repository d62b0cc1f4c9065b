import { baseOf } from "../../apply/anchor.ts";
import { errorMessage, PathError } from "../../errors.ts";
import type { Change } from "../../manifest.ts";
import type { Proposals } from "../../proposal/proposals.ts";

/** Each file's lines as the dream read it (the store with its changes undone); absent when unreadable. */
export async function baseFiles(
  proposals: Proposals,
  id: string,
  changes: readonly Change[],
  only?: string[],
): Promise<Map<string, string[]>> {
  const paths = only ?? [...new Set(changes.map((c) => c.path))];
  const out = new Map<string, string[]>();
  await Promise.all(
    paths.map(async (path) => {
      let data: Buffer | null;
      try {
        data = await proposals.file(id, path);
      } catch (err) {
        if (err instanceof PathError) return;
        throw new Error(`cannot read ${path} of the proposal: ${errorMessage(err)}`);
      }
      const text = data?.toString("utf8") ?? "";
      const store = text === "" ? [] : text.replace(/\n$/, "").split("\n");
      out.set(
        path,
        baseOf(
          store,
          changes.filter((c) => c.path === path),
        ),
      );
    }),
  );
  return out;
}
