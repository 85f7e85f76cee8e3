import type { OperationContext } from "../../src/protocol/types.ts";
import type { S3Source } from "./decode.ts";
import { commandError } from "./errors.ts";
import { CHECKSUM_ALGORITHMS } from "./schema.ts";

/**
 * Source.IsValid, in upstream's order and words (typo included). Every
 * command runs it first and fails with `error running command: <message>`.
 * Upstream accepts a source with neither regexp nor versioned_file and then
 * behaves as versioned_file with an empty key; here that is refused too,
 * with the same sentence, since no bucket has an object with an empty key.
 */
export function sourceProblem(source: S3Source): string | null {
  if (source.regexp !== "" && source.versionedFile !== "") return "please specify either regexp or versioned_file";
  if (source.regexp !== "" && source.initialVersion !== "") return "please use initial_path when regexp is set";
  if (source.versionedFile !== "" && source.initialPath !== "") return "please use initial_version when versioned_file is set";
  if (source.skipSslVerification && source.caBundle !== "") return "please do not use ca_bundle when skip_ssl_verification is set";
  if (source.initialContentText !== "" && source.initialContentBinary !== "") {
    return "please use intial_content_text or initial_content_binary but not both";
  }
  const hasInitialContent = source.initialContentText !== "" || source.initialContentBinary !== "";
  if (hasInitialContent && source.initialVersion === "" && source.initialPath === "") {
    return "please specify initial_version or initial_path if initial content is set";
  }
  if (source.checksumAlgorithm !== "") {
    if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(source.checksumAlgorithm)) {
      return "checksum_algorithm must be one of: " + [...CHECKSUM_ALGORITHMS].sort().join(", ");
    }
    if (source.skipS3Checksums) return "checksum_algorithm cannot be used when skip_s3_checksums is true";
  }
  if (source.regexp === "" && source.versionedFile === "") return "please specify either regexp or versioned_file";
  return null;
}

export function validateSource(source: S3Source): void {
  const problem = sourceProblem(source);
  if (problem !== null) throw commandError("INVALID_CONFIG", problem);
}

/** Options upstream still reads but no longer uses: a line on stderr, nothing else. */
export function warnDeprecated(source: S3Source, ctx: OperationContext): void {
  if (source.cloudfrontUrl !== "") ctx.logger.raw("'cloudfront_url' is deprecated and no longer used. You only need to specify 'endpoint' now.");
  if (source.useV2Signing) ctx.logger.raw("'use_v2_signing' is deprecated and no longer used.");
}
