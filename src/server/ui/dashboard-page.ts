import { type Child, jsx as h } from "hono/jsx";
import type { RunnerStatus } from "../../dream/runner.ts";
import type { ProposalSummary } from "../../proposal/proposals.ts";
import type { Gates } from "../../schedule/gates.ts";
import type { Decision } from "../../schedule/scheduler.ts";
import type { State } from "../../state/state.ts";
import { type Flash, PostButton, page } from "./layout.ts";

export interface Triggers {
  minHours: number;
  minSessions: number;
  mode: "any" | "all";
}

export interface DashboardData {
  csrf: string;
  flash: Flash | null;
  runner: RunnerStatus;
  state: State;
  gates: Gates;
  triggers: Triggers | null;
  scheduler: { enabled: boolean; last: Decision | null } | null;
  autonomy: string;
  /** Why apply is refused (review-only mode); null in apply mode. */
  refusal: string | null;
  dreams: ProposalSummary[];
}

const hours = (n: number | null) => (n === null ? "never dreamt" : `${n.toFixed(1)} h`);

function Status(d: DashboardData): Child {
  const mode = d.refusal ? "review-only" : "apply";
  return h(
    "section",
    { "aria-labelledby": "status-h" },
    h("h2", { id: "status-h" }, "Sidecar"),
    h(
      "table",
      null,
      h(
        "tbody",
        null,
        h(
          "tr",
          null,
          h("th", null, "mode"),
          h("td", null, h("strong", null, mode), d.refusal ? h("div", { class: "why" }, d.refusal) : null),
        ),
        h("tr", null, h("th", null, "autonomy"), h("td", null, d.autonomy)),
        h("tr", null, h("th", null, "state"), h("td", null, d.runner.state)),
        h(
          "tr",
          null,
          h("th", null, "last success"),
          h(
            "td",
            null,
            d.state.lastSuccess ? `${d.state.lastSuccess.dreamId} at ${d.state.lastSuccess.at}` : "none",
          ),
        ),
        d.state.lastAttempt && d.state.lastAttempt.status !== "complete"
          ? h(
              "tr",
              null,
              h("th", null, "last attempt"),
              h(
                "td",
                null,
                `${d.state.lastAttempt.dreamId}: ${d.state.lastAttempt.status}`,
                d.state.lastAttempt.error ? h("div", { class: "why" }, d.state.lastAttempt.error) : null,
              ),
            )
          : null,
        h("tr", null, h("th", null, "failures in a row"), h("td", null, String(d.state.consecutiveFailures))),
      ),
    ),
  );
}

function GatesView(d: DashboardData): Child {
  const g = d.gates;
  const t = d.triggers;
  const needs = t
    ? `the next dream needs ${t.minHours} h since the last ${t.mode === "all" ? "and" : "or"} ${t.minSessions} new sessions`
    : null;
  return h(
    "section",
    { "aria-labelledby": "gates-h" },
    h("h2", { id: "gates-h" }, "Trigger gates"),
    h(
      "p",
      null,
      `${hours(g.hoursSinceLast)} since the last dream (time gate ${g.timeGate ? "open" : "closed"}), `,
      `${g.sessionsSinceLast ?? "?"} sessions since (session gate ${g.sessionGate ? "open" : "closed"}): `,
      h("strong", null, g.due ? "a dream is due" : "no dream due"),
      needs ? `; ${needs}` : null,
      ".",
    ),
    h(
      "p",
      { class: "muted" },
      d.scheduler
        ? `automatic scheduler ${d.scheduler.enabled ? "on" : "off"}${d.scheduler.last ? ` — last decision: ${d.scheduler.last.action}, ${d.scheduler.last.reason}` : ""}`
        : "no automatic scheduler",
    ),
  );
}

function Running(d: DashboardData): Child {
  const cur = d.runner.current;
  return h(
    "section",
    { "aria-labelledby": "run-h" },
    h("h2", { id: "run-h" }, "Dream"),
    cur
      ? h(
          "div",
          { class: "actions" },
          h(
            "p",
            { "aria-live": "polite" },
            `Dream ${cur.dreamId} running since ${cur.startedAt}: phase `,
            h("strong", { id: "live-phase" }, cur.phase ?? "starting"),
            " ",
            h("a", { href: "/ui" }, "refresh"),
          ),
          PostButton({
            action: `/ui/dreams/${cur.dreamId}/cancel`,
            csrf: d.csrf,
            label: "Cancel dream",
            kind: "danger",
          }),
        )
      : h(
          "div",
          { class: "actions" },
          h("p", null, "No dream is running."),
          PostButton({ action: "/ui/dreams", csrf: d.csrf, label: "Dream now", kind: "primary" }),
        ),
  );
}

function History(d: DashboardData): Child {
  return h(
    "section",
    { "aria-labelledby": "hist-h" },
    h("h2", { id: "hist-h" }, "Dreams"),
    d.dreams.length === 0
      ? h("p", null, "No dream yet.")
      : h(
          "table",
          null,
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ["dream", "created", "outcome", "operations", "refused", "files changed", "tokens", "cost"].map(
                (x) => h("th", { scope: "col" }, x),
              ),
            ),
          ),
          h(
            "tbody",
            null,
            d.dreams.map((p) =>
              p.status === "broken"
                ? h(
                    "tr",
                    null,
                    h("td", null, p.id),
                    h("td", { colspan: "7", class: "why" }, `broken: ${p.reason}`),
                  )
                : h(
                    "tr",
                    null,
                    h("td", null, h("a", { href: `/ui/dreams/${p.id}` }, p.id)),
                    h("td", null, p.createdAt),
                    h("td", null, p.status === "superseded" ? `superseded by ${p.supersededBy}` : p.status),
                    h("td", null, String(p.operations)),
                    h("td", null, String(p.refused)),
                    h("td", null, String(p.changed)),
                    h("td", null, p.tokens === undefined ? "—" : String(p.tokens)),
                    h("td", null, p.costUsd === undefined ? "—" : `$${p.costUsd.toFixed(4)}`),
                  ),
            ),
          ),
        ),
  );
}

export function dashboardPage(d: DashboardData): string {
  return page({
    title: "Dashboard",
    flash: d.flash,
    csrf: d.csrf,
    body: [h("h1", null, "Dashboard"), Running(d), Status(d), GatesView(d), History(d)],
  });
}
