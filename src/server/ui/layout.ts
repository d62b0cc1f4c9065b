import { type Child, jsx as h } from "hono/jsx";

export interface Flash {
  kind: "info" | "error";
  text: string;
}

/** The hidden field every form of a session carries (checked on every POST). */
export const CsrfField = (csrf: string) => h("input", { type: "hidden", name: "csrf", value: csrf });

/** A form that is one button: an action the keyboard reaches with Tab and runs with Enter or Space. */
export function PostButton(props: {
  action: string;
  csrf: string;
  label: string;
  fields?: Record<string, string>;
  kind?: "primary" | "danger";
  disabled?: string | null;
}): Child {
  return h(
    "form",
    { method: "post", action: props.action, class: "inline" },
    CsrfField(props.csrf),
    Object.entries(props.fields ?? {}).map(([name, value]) => h("input", { type: "hidden", name, value })),
    h(
      "button",
      {
        type: "submit",
        class: props.kind,
        disabled: Boolean(props.disabled),
        title: props.disabled ?? undefined,
      },
      props.label,
    ),
  );
}

/** The whole document: skip link, navigation, flash message, then the page. */
export function page(props: { title: string; flash?: Flash | null; csrf?: string; body: Child }): string {
  const doc = h(
    "html",
    { lang: "en" },
    h(
      "head",
      null,
      h("meta", { charset: "utf-8" }),
      h("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
      h("title", null, `${props.title} · dreamd`),
      h("link", { rel: "stylesheet", href: "/ui/style.css" }),
      h("script", { src: "/ui/app.js", defer: true }),
    ),
    h(
      "body",
      null,
      h("a", { class: "skip", href: "#main" }, "Skip to content"),
      h(
        "header",
        { class: "top" },
        h("strong", null, "dreamd"),
        props.csrf
          ? [
              h(
                "nav",
                { "aria-label": "main" },
                h("a", { href: "/ui" }, "Dashboard"),
                h("a", { href: "/ui/applies" }, "Applies and snapshots"),
              ),
              h(
                "form",
                { method: "post", action: "/ui/logout", class: "inline" },
                CsrfField(props.csrf),
                h("button", { type: "submit" }, "Log out"),
              ),
            ]
          : null,
      ),
      h(
        "main",
        { id: "main", tabindex: "-1" },
        props.flash
          ? h(
              "p",
              { class: `flash ${props.flash.kind}`, role: props.flash.kind === "error" ? "alert" : "status" },
              props.flash.text,
            )
          : null,
        props.body,
      ),
    ),
  );
  return `<!doctype html>${String(doc)}`;
}
