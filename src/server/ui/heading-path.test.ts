import { describe, expect, it } from "vitest";
import { headingPath } from "./heading-path.ts";

describe("headingPath", () => {
  const doc = [
    "# Projects",
    "intro",
    "## Billing API",
    "- deploys on Fridays",
    "```",
    "# not a heading",
    "```",
    "- after the fence",
    "## Infra ##",
    "- k8s",
    "# People",
    "- Dana",
  ];
  it("names the headings above a line, deepest last", () => {
    expect(headingPath(doc, 2)).toEqual(["Projects"]);
    expect(headingPath(doc, 4)).toEqual(["Projects", "Billing API"]);
    expect(headingPath(doc, 8)).toEqual(["Projects", "Billing API"]);
    expect(headingPath(doc, 10)).toEqual(["Projects", "Infra"]);
    expect(headingPath(doc, 12)).toEqual(["People"]);
  });
  it("keeps a # that is part of the text", () => {
    expect(headingPath(["## C#", "x"], 2)).toEqual(["C#"]);
    expect(headingPath(["## ##", "x"], 2)).toEqual([""]);
    expect(headingPath(["#hashtag", "x"], 2)).toEqual([]);
  });
  it("is empty above the first heading", () => {
    expect(headingPath(["- a", "# H"], 1)).toEqual([]);
  });
});
