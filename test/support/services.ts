/**
 * Tests that need a real service (the Docker engine, a registry, S3, a git
 * server) ask for it here. Locally a missing service skips the suite with a
 * visible reason; under CI=true it fails the run, so CI can never pass by
 * skipping what it was meant to test.
 */
import { describe } from "vitest";

export interface ServiceProbe {
  name: string;
  /** resolves true when usable, or a reason why not */
  probe(): Promise<true | string>;
}

const cache = new Map<string, Promise<true | string>>();

export function checkService(service: ServiceProbe): Promise<true | string> {
  let result = cache.get(service.name);
  if (!result) {
    result = service.probe().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    cache.set(service.name, result);
  }
  return result;
}

export const inCI = process.env.CI === "true";

/**
 * describe() when the service answers; otherwise a skipped suite whose name
 * says why, plus a console warning. Under CI a missing service throws.
 */
export async function describeWithService(service: ServiceProbe, name: string, body: () => void): Promise<void> {
  const status = await checkService(service);
  if (status === true) {
    describe(name, body);
    return;
  }
  const reason = `${service.name} unavailable: ${status}`;
  if (inCI) {
    describe(name, () => {
      throw new Error(`CI=true and ${reason}; CI must install and start ${service.name}`);
    });
    return;
  }
  console.warn(`[skip] ${name}: ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, body);
}
