import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Flash } from "./layout.ts";

/** The one-line outcome of a POST, shown once by the page it redirects to (post/redirect/get). */
const FLASH_COOKIE = "dreamd_flash";
const MAX_TEXT = 600;

export function setFlash(c: Context, flash: Flash): void {
  const text = flash.text.length > MAX_TEXT ? `${flash.text.slice(0, MAX_TEXT)}…` : flash.text;
  setCookie(c, FLASH_COOKIE, Buffer.from(JSON.stringify({ ...flash, text })).toString("base64url"), {
    path: "/ui",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: 60,
  });
}

export function takeFlash(c: Context): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/ui" });
  try {
    const f = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<Flash>;
    if ((f.kind === "info" || f.kind === "error") && typeof f.text === "string")
      return { kind: f.kind, text: f.text };
  } catch {
    // A cookie this server did not write: no message.
  }
  return null;
}
