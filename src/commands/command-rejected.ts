/**
 * A command that the rules forbid in the current state. Thrown by deciders, never for bad I/O. The code is what a
 * caller switches on (an HTTP status, a processor skipping work); the message is for people and never carries
 * payload values such as phone numbers or message text.
 */
export class CommandRejected<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRejected';
  }
}
