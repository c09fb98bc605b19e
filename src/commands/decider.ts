/**
 * A decider holds an aggregate's business rules as pure functions (the Emmett style, STYLE.md):
 * `decide` turns a command and the current state into new events (or none, or a typed rejection), `evolve` folds
 * one event into the state, `initialState` is the state of an empty stream. No I/O, no clock, no randomness:
 * everything a rule needs is in the command or in the state.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The state after the given events, from the initial state. */
export const foldEvents = <Command, Event, State>(
  decider: Decider<Command, Event, State>,
  events: readonly Event[],
  from: State = decider.initialState(),
): State => events.reduce((state, event) => decider.evolve(state, event), from);
