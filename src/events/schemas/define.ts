/**
 * How an event type is declared: its name, current version, the zod schema of its `data`, and upcasters that
 * lift every older stored version one step at a time. Stored events are never rewritten; old shapes are
 * translated on read.
 */
import { z } from 'zod';

/** Which stream family (and Kafka topic) an event belongs to. */
export type EventCategory = 'outbound-message' | 'conversation' | 'meta-webhook' | 'customer';

/** Result of one upcasting step; issues come from validating the *old* version's data. */
export type UpcastResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; issues: readonly z.core.$ZodIssue[] };

/** Lifts data stored as `fromVersion` to `fromVersion + 1`. Type-erased so a definition can hold a chain. */
export interface Upcaster {
  readonly fromVersion: number;
  /** The schema the old version was written with; kept so its JSON Schema can still be published. */
  readonly schema: z.ZodType;
  upcast(data: Record<string, unknown>): UpcastResult;
}

/**
 * Declares one upcasting step. The old data is validated against the schema it was written with before the
 * step runs, so the step itself works on typed input and never guesses.
 */
export const defineUpcaster = <Old extends z.ZodType, Next extends Record<string, unknown>>(spec: {
  fromVersion: number;
  schema: Old;
  upcast: (old: z.output<Old>) => Next;
}): Upcaster => ({
  fromVersion: spec.fromVersion,
  schema: spec.schema,
  upcast: (data) => {
    const parsed = spec.schema.safeParse(data);
    return parsed.success ? { ok: true, data: spec.upcast(parsed.data) } : { ok: false, issues: parsed.error.issues };
  },
});

export interface EventDefinition<
  Type extends string = string,
  Version extends number = number,
  Schema extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
> {
  readonly type: Type;
  /** The version written today. Older versions are read through `upcasters`. */
  readonly version: Version;
  readonly category: EventCategory;
  /** One sentence for the event catalogue and the generated JSON Schema. */
  readonly description: string;
  readonly schema: Schema;
  /** Steps from every older version still present in stores, ordered by `fromVersion`. */
  readonly upcasters: readonly Upcaster[];
}

export const defineEvent = <
  const Type extends string,
  const Version extends number,
  Schema extends z.ZodType<Record<string, unknown>>,
>(definition: {
  type: Type;
  version: Version;
  category: EventCategory;
  description: string;
  schema: Schema;
  upcasters?: readonly Upcaster[];
}): EventDefinition<Type, Version, Schema> => ({ ...definition, upcasters: definition.upcasters ?? [] });

/** The `{ type, data }` pair a decider emits and folds, derived from a definition so the two cannot drift. */
export type EventOf<D> =
  D extends EventDefinition<infer Type, number, infer Schema> ? { type: Type; data: z.output<Schema> } : never;
