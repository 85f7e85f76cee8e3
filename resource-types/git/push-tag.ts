/**
 * `git tag -f <name> [-a -F <file>]` on HEAD: a lightweight tag, or an
 * annotated one whose message is the file cleaned as git tag cleans it
 * (comment lines dropped). Moving an existing tag says so, as git does.
 */
import fs from "node:fs";
import git from "isomorphic-git";
import { JetwayError } from "../../src/protocol/errors.ts";
import type { Logger } from "../../src/protocol/types.ts";
import { writeTagObject } from "./push-commit.ts";
import { stripspace } from "./push-stripspace.ts";
import { validRefName } from "./transport/ref-update.ts";

export interface TagRequest {
  name: string;
  target: string;
  /** the annotation file's text; undefined for a lightweight tag */
  annotation?: string | undefined;
  /** the tagger's ident value */
  tagger: string;
}

export async function tagHead(gitdir: string, request: TagRequest, logger: Logger): Promise<void> {
  const ref = `refs/tags/${request.name}`;
  if (!validRefName(ref)) {
    throw new JetwayError("OPERATION_FAILED", `fatal: '${request.name}' is not a valid tag name.`, { exitCode: 128 });
  }
  const previous = await git.resolveRef({ fs, gitdir, ref }).catch(() => undefined);
  const oid =
    request.annotation === undefined
      ? request.target
      : await writeTagObject(gitdir, {
          object: request.target,
          type: "commit",
          tag: request.name,
          tagger: request.tagger,
          message: stripspace(request.annotation, true),
        });
  await git.writeRef({ fs, gitdir, ref, value: oid, force: true });
  if (previous !== undefined && previous !== oid) logger.log(`Updated tag '${request.name}' (was ${previous.slice(0, 7)})`);
}
