import { devWarn } from './devWarn';
import type { PresenceCheck } from './presenceUsers';

// Module-scoped, so it needs no Node types. Bundlers replace `process.env.NODE_ENV`, which drops
// the development warnings (and their text) from production builds.
declare const process: { env: { NODE_ENV?: string } };

/**
 * The Standard Schema interface (standardschema.dev) that zod, valibot, arktype and others
 * implement; declared here as types only, so no schema library is a dependency.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A validation result: the value, or the issues that made it invalid. */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string }> };

/** The type a schema produces. */
export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
  Schema['~standard']['types']
>['output'];

/**
 * Validates an incoming broadcast payload and hands on the parsed value; an invalid one is
 * dropped with a development warning, never thrown, because it came from another client.
 */
export function validateIncoming(
  schema: StandardSchemaV1,
  value: unknown,
  event: string,
  deliver: (value: unknown) => void,
): void {
  const drop = (reason: unknown): void => {
    if (process.env.NODE_ENV !== 'production') {
      devWarn(`Dropped a "${event}" broadcast that failed validation.`, reason);
    }
  };
  const settle = (result: StandardSchemaResult<unknown>): void => {
    if (result.issues) drop(result.issues);
    else deliver(result.value);
  };
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) result.then(settle, drop);
  else settle(result);
}

/**
 * Turns a presence schema into the check a room's presence users run: the parsed state, or
 * undefined (with a development warning) when it fails. A sync is one consistent picture of the
 * room, so the schema must validate synchronously; an asynchronous one fails every state.
 */
export function presenceCheck(schema: StandardSchemaV1): PresenceCheck {
  return (key, state) => {
    const result = schema['~standard'].validate(state);
    if (!(result instanceof Promise) && !result.issues) {
      return result.value as Record<string, unknown>;
    }
    if (process.env.NODE_ENV !== 'production') {
      devWarn(`Dropped a presence state of "${key}" that failed validation.`, result);
    }
  };
}
