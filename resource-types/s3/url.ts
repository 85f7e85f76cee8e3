import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { S3Access } from "./client.ts";
import { describeS3Error } from "./s3-error.ts";
import { S3CallError } from "./send.ts";
import { presigner } from "./optional-sdk.ts";

/**
 * The object's URL as upstream gives it. Public: the bucket's endpoint as the
 * S3 endpoint rules resolve it (virtual-hosted where the bucket name allows,
 * path style otherwise; path style is not asked for, as upstream does not ask)
 * plus `/key`, and `?versionId=` for a version. Private: a GET presigned for 24 hours.
 */
export async function objectUrl(access: S3Access, key: string, isPrivate: boolean, versionId: string): Promise<string> {
  if (isPrivate) {
    const { getSignedUrl } = await presigner();
    try {
      return await getSignedUrl(
        access.client,
        new GetObjectCommand({ Bucket: access.bucket, Key: key, ...(versionId !== "" && { VersionId: versionId }) }),
        { expiresIn: 24 * 60 * 60 },
      );
    } catch (e) {
      throw new S3CallError(describeS3Error(e, "S3", "GetObject", access.secrets), e);
    }
  }
  const endpoint = access.endpoint ?? `https://s3.${access.region}.amazonaws.com`;
  const resolved = access.client.config.endpointProvider({
    Bucket: access.bucket,
    Region: access.region,
    Endpoint: endpoint,
    UseFIPS: false,
    UseDualStack: false,
    ForcePathStyle: false,
    Accelerate: false,
    UseGlobalEndpoint: false,
    UseArnRegion: false,
    DisableMultiRegionAccessPoints: false,
  });
  const base = resolved.url.href.endsWith("/") ? resolved.url.href.slice(0, -1) : resolved.url.href;
  return `${base}/${key}${versionId !== "" ? `?versionId=${versionId}` : ""}`;
}
