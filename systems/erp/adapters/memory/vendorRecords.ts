/**
 * The ERP's records in the vendor stand-in, each kept with its call history (the kernel's
 * callHistory.ts). Outside a call, reads see the records as they are; a call's reads see them as
 * that call first found them (its own creations absent, its own changes undone), so an attempt
 * resumed after a lost answer checks its rules against what the first attempt saw.
 */
import { beforeCallView, callKeyOf, currentView, viewed, type View } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { RemoteCall } from '../../../kernel/capability/adapter.ts';

export class VendorRecords {
  constructor(
    readonly vendor: InMemoryVendor,
    readonly view: View = currentView,
  ) {}

  /** The records as `call` first found them, before its first write. */
  asFoundBy(call: RemoteCall): VendorRecords {
    return new VendorRecords(this.vendor, beforeCallView(callKeyOf(call)));
  }

  /** Every record of `type` that matches, in the vendor's (id) order. */
  async where<T>(type: string, match: (record: T) => boolean): Promise<T[]> {
    return (await viewed<T>(this.vendor, 'erp', type, this.view)).filter(match);
  }
}
