import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readListBucketResult } from "./list-xml.ts";

const read = (xml: string) => readListBucketResult(Buffer.from(xml, "utf8"));

/** How S3 writes text: the markup characters as entities. */
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

function listing(keys: string[], prefixes: string[], token?: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    "<Name>bucket</Name><Prefix>app/</Prefix><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>",
    `<IsTruncated>${token !== undefined}</IsTruncated>`,
    ...keys.map(
      (k) =>
        `<Contents><Key>${escapeXml(k)}</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass><Owner><ID>jetway</ID><DisplayName>Jetway</DisplayName></Owner><Type>Normal</Type></Contents>`,
    ),
    ...prefixes.map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`),
    ...(token !== undefined ? [`<NextContinuationToken>${escapeXml(token)}</NextContinuationToken>`] : []),
    "</ListBucketResult>",
  ].join("");
}

describe("readListBucketResult", () => {
  it("takes the keys, the common prefixes, the truncation and the token, and nothing else", () => {
    expect(read(listing(["app/a-1.tgz", "app/a-2.tgz"], ["app/dir/"], "token+/=="))).toEqual({
      keys: ["app/a-1.tgz", "app/a-2.tgz"],
      prefixes: ["app/dir/"],
      isTruncated: true,
      nextContinuationToken: "token+/==",
    });
    // the listing's own <Prefix> is not a common prefix
    expect(read(listing([], []))).toEqual({ keys: [], prefixes: [], isTruncated: false, nextContinuationToken: undefined });
  });

  it("reads any key S3 can send back as it was put", () => {
    const key = fc.string({ unit: fc.oneof(fc.constantFrom("&", "<", ">", '"', "'", "/", " ", "\t", "\n", "é", "✓", "😀", ";", "#"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) });
    fc.assert(
      fc.property(fc.array(key, { maxLength: 8 }), fc.array(key, { maxLength: 3 }), (keys, prefixes) => {
        const clean = (s: string) => s.replace(/\r/g, ""); // raw CR is normalised, below
        const page = read(listing(keys.map(clean), prefixes.map(clean)));
        expect(page?.keys).toEqual(keys.map(clean));
        expect(page?.prefixes).toEqual(prefixes.map(clean));
      }),
    );
  });

  it("decodes text as Go's encoding/xml does", () => {
    const page = read(
      "<ListBucketResult><Contents><Key>a&#38;b&#x3C;c&amp;&apos;</Key></Contents><Contents><Key><![CDATA[x<&>y]]>z</Key></Contents>" +
        "<Contents><Key>line\r\nend\rCR&#13;kept</Key></Contents><Contents><Key/></Contents><IsTruncated> True </IsTruncated></ListBucketResult>",
    );
    expect(page).toEqual({ keys: ["a&b<c&'", "x<&>yz", "line\nend\nCR\rkept", ""], prefixes: [], isTruncated: true, nextContinuationToken: undefined });
  });

  it("matches names without their namespace prefix, and skips comments and declarations", () => {
    const page = read('<?xml version="1.0"?><!-- a listing --><s3:ListBucketResult xmlns:s3="x"><s3:Contents><s3:Key>k</s3:Key></s3:Contents></s3:ListBucketResult>');
    expect(page?.keys).toEqual(["k"]);
  });

  it("ignores Key and Prefix elements anywhere else", () => {
    const page = read("<ListBucketResult><Key>top</Key><Contents><Owner><Key>deep</Key></Owner><Key>real</Key></Contents><CommonPrefixes><Owner><Prefix>no</Prefix></Owner><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>");
    expect(page).toEqual({ keys: ["real"], prefixes: ["p/"], isTruncated: false, nextContinuationToken: undefined });
  });

  it("leaves anything else to the SDK's reader", () => {
    expect(read("<Error><Code>InternalError</Code></Error>")).toBeNull();
    expect(read("<ListBucketResult><Contents><Key>cut")).toBeNull();
    expect(read("<ListBucketResult></ListBucketResult><ListBucketResult></ListBucketResult>")).toBeNull();
    expect(read("<ListBucketResult><Contents><Key>&#x110000;</Key></Contents></ListBucketResult>")).toBeNull();
    expect(read("")).toBeNull();
  });
});
