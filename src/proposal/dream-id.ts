import { randomBytes } from "node:crypto";

/** Sortable and unique: `20260320T180000Z-1a2b3c`. */
export function newDreamId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

/** A proposal directory's name; anything else on the proposals volume is not a proposal. */
export const DREAM_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;
