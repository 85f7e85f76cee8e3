/**
 * Driver specs: `NAME`, `NAME?KEY=VALUE&...`, `NAME://TARGET`, `NAME://TARGET?KEY=VALUE`.
 * The scheme names the driver, the part after `//` is its target (a Kubernetes
 * namespace, ...), the query its parameters. Percent-encoding is decoded.
 */
import { JetwayError } from "../protocol/errors.ts";

export interface DriverSpec {
  name: string;
  target?: string;
  params: Record<string, string>;
}

const SPEC = /^([a-z][a-z0-9-]*)(?::\/\/([^?]*))?(?:\?(.*))?$/;
const FORM = "NAME[://TARGET][?KEY=VALUE&...]";

export function parseDriverSpec(spec: string): DriverSpec {
  const match = SPEC.exec(spec);
  if (!match) {
    throw new JetwayError("INVALID_CONFIG", `driver spec ${JSON.stringify(spec)} is not ${FORM}`);
  }
  const [, name = "", rawTarget, query] = match;
  const result: DriverSpec = { name, params: {} };
  const params = new Map<string, string>();
  if (rawTarget !== undefined) {
    const target = decode(spec, rawTarget);
    if (target === "") throw new JetwayError("INVALID_CONFIG", `driver spec ${JSON.stringify(spec)}: empty target after "${name}://"`);
    result.target = target;
  }
  if (query !== undefined && query !== "") {
    for (const pair of query.split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const key = decode(spec, eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decode(spec, pair.slice(eq + 1));
      if (key === "") throw new JetwayError("INVALID_CONFIG", `driver spec ${JSON.stringify(spec)}: a parameter has no name`);
      if (params.has(key)) {
        throw new JetwayError("INVALID_CONFIG", `driver spec ${JSON.stringify(spec)}: parameter ${JSON.stringify(key)} given twice`);
      }
      params.set(key, value);
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain key
  result.params = Object.fromEntries(params);
  return result;
}

function decode(spec: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new JetwayError("INVALID_CONFIG", `driver spec ${JSON.stringify(spec)}: bad percent-encoding in ${JSON.stringify(part)}`);
  }
}
