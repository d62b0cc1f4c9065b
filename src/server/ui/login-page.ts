import { jsx as h } from "hono/jsx";
import { type Flash, page } from "./layout.ts";

export function loginPage(flash: Flash | null, next: string): string {
  return page({
    title: "Log in",
    flash,
    body: [
      h("h1", null, "Log in to dreamd"),
      h(
        "form",
        { method: "post", action: "/ui/login" },
        h("input", { type: "hidden", name: "next", value: next }),
        h(
          "p",
          null,
          h("label", { for: "token" }, "API token"),
          " ",
          h("input", {
            type: "password",
            id: "token",
            name: "token",
            autocomplete: "current-password",
            required: true,
            autofocus: true,
            size: 50,
          }),
        ),
        h(
          "p",
          { class: "muted" },
          "The token is DREAMD_API_TOKEN, or the one dreamd generated into <proposals>/.dreamd/api-token.",
        ),
        h("button", { type: "submit", class: "primary" }, "Log in"),
      ),
    ],
  });
}
