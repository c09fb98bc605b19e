/**
 * Given/when/then for deciders (test-only):
 *
 *   given(decider, [received, sent]).when(recordStatus('read')).then([delivered, read]);
 *   given(decider, []).when(requestSend()).thenThrows(CommandRejected, 'MessageNotReceived');
 *
 * Note: the object returned by `when` has a `then` method, so do not `await` it or return it un-called from a
 * test; call `.then([...])` as the last step, which returns nothing.
 */
import { CommandRejected } from './command-rejected';
import { foldEvents, type Decider } from './decider';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface GivenOptions<Event> {
  /** Runs on every given and every emitted event, e.g. to prove events fit their schema. */
  validate?: (event: Event) => void;
}

export interface Scenario<Event, State> {
  /** The command must produce exactly these events, in order. `[]` means "a no-op". */
  then(expected: Event[]): void;
  /** The command must be rejected with this error class and/or (CommandRejected) code. */
  thenThrows(expected: ErrorClass | string, code?: string): void;
  /** For rules about state: the state after the given events and the emitted ones. */
  thenState(check: (state: State) => void): void;
}

export const given = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: Event[],
  options: GivenOptions<Event> = {},
) => ({
  when: (command: Command): Scenario<Event, State> => {
    events.forEach((event) => options.validate?.(event));
    const state = foldEvents(decider, events);
    const decide = () => {
      const emitted = decider.decide(command, state);
      emitted.forEach((event) => options.validate?.(event));
      return emitted;
    };
    return {
      then: (expected) => {
        expect(decide()).toEqual(expected);
      },
      thenThrows: (expected, code) => {
        const expectedClass = typeof expected === 'string' ? CommandRejected : expected;
        const expectedCode = typeof expected === 'string' ? expected : code;
        let thrown: unknown;
        try {
          decide();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(expectedClass);
        if (expectedCode !== undefined) expect(thrown).toHaveProperty('code', expectedCode);
      },
      thenState: (check) => {
        check(foldEvents(decider, decide(), state));
      },
    };
  },
});
