import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('has nothing to commit before the first message', () => {
    expect(new OffsetTracker().committable()).toBeUndefined();
  });

  it('commits up to the lowest offset still running when later ones finish first', () => {
    const tracker = new OffsetTracker();
    ['10', '11', '12'].forEach((offset) => tracker.start(offset));
    tracker.finish('12');
    tracker.finish('11');
    expect(tracker.committable()).toBe('10');
    tracker.finish('10');
    expect(tracker.committable()).toBe('13');
  });

  it('counts what is in flight', () => {
    const tracker = new OffsetTracker();
    tracker.start('1');
    tracker.start('2');
    tracker.finish('1');
    expect(tracker.inFlight).toBe(1);
  });
});
