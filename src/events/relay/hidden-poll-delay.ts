/**
 * The pause before looking again while committed events are hidden behind an older running transaction that will
 * not notify (one that wrote no event): 2 ms after the first look, doubling while they stay hidden, up to 100 ms.
 * Such transactions (projections, checkpoints) mostly end within milliseconds, and a flat 100 ms held their
 * events back for the next append's NOTIFY or the whole 100 ms; one that runs long costs a look per 100 ms.
 */
export const hiddenPollDelay = (looks: number): number => Math.min(2 * 2 ** Math.min(looks, 16), 100);
