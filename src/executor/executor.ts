/**
 * The executor every resource operation of `jetway run` goes through:
 * native-first (a type jetway implements runs natively, by the cheapest
 * delivery the driver allows), with the type's image as the fallback (for
 * types jetway does not implement, for `native: false`, and where no delivery
 * reaches the driver). Each result says how it ran and why.
 */
import { randomUUID } from "node:crypto";
import type { Driver } from "../orchestra/types.ts";
import { JetwayError, isJetwayError } from "../protocol/errors.ts";
import type { ResourceTypeRegistry } from "../registry.ts";
import { deliveryStrategies } from "./delivery/index.ts";
import type { DeliveryName, DeliveryStrategy, RawOutput } from "./delivery/types.ts";
import { runImage } from "./image.ts";
import { defaultNativeImage, deliverySettings, type DeliveryChoice, type ExecutorOptions } from "./options.ts";
import { planOperation } from "./plan.ts";
import { resolveImage, type ResolvedImage } from "./resource-types.ts";
import { prepareRun } from "./operation-run.ts";
import type { ResourceExecutor, ResourceOperation, ResourceResult } from "./types.ts";

/**
 * An image found by a check of another type is looked for again after this
 * long, so a long `jetway run` picks up a new image as Concourse's periodic
 * resource-type checks would; images named in a declaration are not checked.
 */
const IMAGE_RECHECK_MS = 60_000;

export class NativeFirstExecutor implements ResourceExecutor {
  readonly #registry: ResourceTypeRegistry;
  readonly #preferNative: boolean;
  readonly #delivery: DeliveryChoice;
  readonly #nativeImage: (type: string) => string;
  readonly #strategies: ReadonlyMap<DeliveryName, DeliveryStrategy>;
  readonly #images = new Map<string, { at: number; image: Promise<ResolvedImage> }>();

  constructor(options: ExecutorOptions) {
    this.#registry = options.registry;
    this.#preferNative = options.preferNative ?? true;
    this.#delivery = options.delivery ?? "auto";
    this.#nativeImage = options.nativeImage ?? defaultNativeImage;
    this.#strategies = deliveryStrategies(options.registry, deliverySettings(options));
  }

  run(operation: ResourceOperation, driver: Driver): Promise<ResourceResult> {
    return this.#run(operation, driver, []);
  }

  async #run(operation: ResourceOperation, driver: Driver, seen: readonly string[]): Promise<ResourceResult> {
    const plan = planOperation(operation, driver, {
      registry: this.#registry,
      preferNative: this.#preferNative,
      delivery: this.#delivery,
      strategies: this.#strategies,
    });
    const prepared = prepareRun(operation, `resource/${operation.op}/${operation.resourceName}/${randomUUID().slice(0, 8)}`);
    const { run } = prepared;
    let how: string;
    let why = plan.why;
    let raw: RawOutput;
    if (plan.kind === "native") {
      how = `native, ${plan.strategy.how(driver, run)}`;
      raw = await this.#guard(operation, how, () => plan.strategy.run(driver, run));
    } else {
      const image = await this.#image(operation, driver, seen);
      how = `image ${image.ref} on ${driver.name}`;
      why = `${why}; ${image.origin}`;
      raw = await this.#guard(operation, how, () => runImage(driver, image, run));
    }
    return { response: prepared.response(raw, how), how, why };
  }

  /** Driver failures (an image without the entry point, an engine error) become one line naming the resource. */
  async #guard(operation: ResourceOperation, how: string, body: () => Promise<RawOutput>): Promise<RawOutput> {
    try {
      return await body();
    } catch (e) {
      if (isJetwayError(e) && e.code === "ABORTED") {
        throw new JetwayError("ABORTED", `${operation.resourceName}: ${operation.op} interrupted (${how})`, { cause: e });
      }
      const message = e instanceof Error ? e.message : String(e);
      const code = isJetwayError(e) ? e.code : "DRIVER_FAILED";
      throw new JetwayError(code, `${operation.resourceName}: ${operation.op} could not run (${how}): ${message}`, { cause: e });
    }
  }

  #image(operation: ResourceOperation, driver: Driver, seen: readonly string[]): Promise<ResolvedImage> {
    const declarations = operation.resourceTypes ?? [];
    // the chain is part of the key: a type met again inside its own resolution must reach the cycle check, not wait for itself
    const key = `${[...seen, operation.type].join("\0")}\0${JSON.stringify(declarations)}`;
    const cached = this.#images.get(key);
    if (cached !== undefined && Date.now() - cached.at < IMAGE_RECHECK_MS) return cached.image;
    const image = resolveImage(operation.type, {
      declarations,
      nativeImage: (type) => (this.#registry.isNative(type) ? this.#nativeImage(type) : undefined),
      seen,
      check: async (type, source, chain) => {
        const result = await this.#run(
          {
            op: "check",
            resourceName: `resource type ${chain.at(-1) ?? type}`,
            type,
            request: { source },
            env: {},
            stderr: operation.stderr,
            resourceTypes: declarations,
            ...(operation.signal !== undefined && { signal: operation.signal }),
          },
          driver,
          chain,
        );
        return result.response;
      },
    }).catch((e: unknown) => {
      throw isJetwayError(e) ? new JetwayError(e.code, `${operation.resourceName}: ${e.message}`, { cause: e }) : e;
    });
    this.#images.set(key, { at: Date.now(), image });
    image.catch(() => {
      if (this.#images.get(key)?.image === image) this.#images.delete(key);
    });
    return image;
  }
}
