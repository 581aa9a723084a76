// Phase marks for performance work: CLIENT_AUDITOR_TIMING=1 prints them on stderr (pipeline.ts).
// Never part of a report; a no-op otherwise. Marks are wall-clock times, so a worker's marks (sent
// with its partial) and this thread's are on one time line: ms since the process started.

export const timingEnabled = process.env.CLIENT_AUDITOR_TIMING !== undefined && process.env.CLIENT_AUDITOR_TIMING !== '';

export type Mark = [phase: string, at: number];

const marks: Mark[] = [];

/** Records that `phase` ended now. */
export function mark(phase: string): void {
  if (timingEnabled) marks.push([phase, performance.timeOrigin + performance.now()]);
}

/** This thread's marks so far (a worker sends them with its partial). */
export function ownMarks(): Mark[] {
  return marks.slice();
}

/** Another thread's marks, each phase prefixed with `who`. */
export function addMarks(who: string, from: readonly Mark[]): void {
  for (const [phase, at] of from) marks.push([`${who} ${phase}`, at]);
}

/** "phase N" for every mark, N in ms since `origin` (the main thread's performance.timeOrigin), by time. */
export function marksText(origin = performance.timeOrigin): string {
  return [...marks].sort((a, b) => a[1] - b[1]).map(([p, t]) => `${p} ${(t - origin).toFixed(0)}`).join(', ');
}
