/**
 * Under CI=true, the command-line tools that tests use as oracles (git, jq, GNU
 * grep and cat) must be present: their tests skip locally when one is missing,
 * and that skip must never happen in CI. Loaded by vitest before every test file.
 */
import { spawnSync } from "node:child_process";

if (process.env.CI === "true") {
  const missing = ["git", "jq", "grep", "cat"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`CI=true but ${missing.join(", ")} missing: .ci/services/git.sh installs them`);
  }
}
