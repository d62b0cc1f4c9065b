import { type Child, jsx as h } from "hono/jsx";
import { page } from "./layout.ts";

/** A memory file as the dream read it, or a session's messages: numbered, each line an anchor. */
export function sourcePage(d: {
  csrf: string;
  dreamId: string;
  title: string;
  rows: { id: string; label: string; text: string }[];
}): string {
  const body: Child = [
    h("h1", null, d.title),
    h("p", null, h("a", { href: `/ui/dreams/${d.dreamId}` }, `Back to dream ${d.dreamId}`)),
    h(
      "table",
      { class: "src" },
      h(
        "tbody",
        null,
        d.rows.map((r) =>
          h("tr", { id: r.id }, h("td", null, r.label), h("td", null, h("pre", null, r.text))),
        ),
      ),
    ),
  ];
  return page({ title: d.title, csrf: d.csrf, body });
}
