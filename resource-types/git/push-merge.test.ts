import { describe, expect, it } from "vitest";
import { fetchHeadUrl, mergeMessage } from "./push-merge.ts";

describe("merge message", () => {
  it("names the branch and the remote as git pull does", () => {
    expect(mergeMessage("master", "https://h/o/r.git", "refs/heads/master")).toBe("Merge branch 'master' of https://h/o/r\n");
    expect(mergeMessage("main", "https://h/o/r", "refs/heads/main")).toBe("Merge branch 'main' of https://h/o/r into main\n");
    expect(mergeMessage("master", "git@h:o/r.git", undefined)).toBe("Merge branch 'master' of git@h:o/r into HEAD\n");
  });

  it("drops trailing slashes and one .git from the URL", () => {
    expect(fetchHeadUrl("/srv/repo.git//")).toBe("/srv/repo");
    expect(fetchHeadUrl("/srv/repo.git.git")).toBe("/srv/repo.git");
    expect(fetchHeadUrl(".git")).toBe(".git");
  });
});
