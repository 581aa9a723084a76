// Auth mounts seen issuing tokens, per namespace (spec vault.md §7.3): for each, the accessor and
// type logged earliest in processing order. Folded per response by the collector and per partial by
// merge.ts with the same rule, so how the input was split never changes which one wins.

import { compareOrder, type Order } from '../ingest/order.js';
import type { MountCandidate } from './partial.js';

export class MountCandidates {
  private readonly byMount = new Map<string, MountCandidate>();

  /** One sighting; an accessor or type counts only with its order (null: not logged there). */
  fold(nsId: string, mountPath: string, accessor: string, accessorOrder: Order | null, type: string, typeOrder: Order | null): void {
    const key = nsId + '\u0000' + mountPath;
    let c = this.byMount.get(key);
    if (c === undefined) {
      c = { nsId, mountPath, accessor: '', accessorOrder: null, type: '', typeOrder: null };
      this.byMount.set(key, c);
    }
    if (accessorOrder !== null && (c.accessorOrder === null || compareOrder(accessorOrder, c.accessorOrder) < 0)) {
      c.accessor = accessor;
      c.accessorOrder = accessorOrder;
    }
    if (typeOrder !== null && (c.typeOrder === null || compareOrder(typeOrder, c.typeOrder) < 0)) {
      c.type = type;
      c.typeOrder = typeOrder;
    }
  }

  values(): MountCandidate[] {
    return [...this.byMount.values()];
  }
}
