// This thread's young generation, kept small. V8 grows new space (2 semi-spaces) up to 2 x 16 MB
// while many objects survive, as the collector's token state does, and keeps it at that size: on the
// 3 GB bench log this thread's new space was 32 MB at the end of the parallel phase, the run's peak
// RSS. Workers get a limit when they start (spawn.ts); this thread's limit is a start-up option
// (--max-semi-space-size) that a CLI cannot set for itself. What V8 does read each time it grows new
// space is --semi-space-growth-factor, so once new space has grown past its start, growth is switched
// off and it stays at 8 MB.
//
// Measured on the 3 GB bench log (two threads, 3 runs each, interleaved): peak RSS 262-276 MiB
// against 278-299 MiB, same wall time (4.90-5.35 s against 4.86-4.94 s). 1.1 GB log, 4 runs each:
// 2.07-2.34 s against 2.15-2.37 s, peak RSS 171-186 MiB against 192-209 MiB; two more batches of
// 5-6 runs in a slow phase of the VM: means 3.29 against 3.10 s, then 3.09 against 3.16 s. Switched
// off from the start (new space 2 MB) it cost ~4 % of CPU time on the 1.1 GB log. Node documents V8
// flags set at run time as unpredictable; this one is a number V8 reads while resizing, and if it
// does nothing the memory is as before. V8 re-applies its flags when a worker isolate starts (a new
// Worker undid it in a test), so it is set only once every worker of the run is online.

import v8 from 'node:v8';

/** New space (bytes) past which growth is switched off: it then ends at the next step, 8 MB. */
const GROWN_PAST = 4 * 1024 * 1024;

export class YoungGenerationCap {
  private capped = false;
  private workersOnline: boolean;

  /** `online`: every worker of the run; growth is switched off only once all are running. */
  constructor(online: readonly Promise<void>[] = []) {
    this.workersOnline = online.length === 0;
    if (!this.workersOnline) void Promise.all(online).then(() => { this.workersOnline = true; }, () => undefined);
  }

  /** Called between tasks: switches growth off once new space has grown past its start. */
  check(): void {
    if (this.capped || !this.workersOnline) return;
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (newSpace === undefined || newSpace.space_size < GROWN_PAST) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    this.capped = true;
  }
}
