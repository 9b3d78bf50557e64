/**
 * What the next matching call to the HubSpot stand-in does instead of answering normally, scripted
 * per call (no timers, no randomness): refuse before any effect (503, 429 with its rate-limit
 * headers), commit and then lose the answer (the connection is cut), commit and answer only when
 * the test releases it (the client times out first), or fail some inputs of a batch (207).
 */
export type HubSpotFault =
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'rateLimited'; readonly policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY'; readonly retryAfterMs?: number }
  | { readonly kind: 'lostAnswer' }
  | { readonly kind: 'late'; readonly answered: Promise<void> }
  | { readonly kind: 'partial'; readonly failingInputs: readonly number[] }
  /** The token the request carries expires now: this request and every later one with it are 401. */
  | { readonly kind: 'expireToken' };

export class Faults {
  private readonly queued: { route: string; fault: HubSpotFault }[] = [];
  /** While true the portal is out: every call with a valid token is 503, scripted faults wait. */
  down = false;

  /** `route`: `<METHOD> <path>` (`POST /crm/v3/objects/deals`), the path without its query. */
  next(route: string, fault: HubSpotFault): void {
    this.queued.push({ route, fault });
  }

  /** A late answer the test releases. */
  late(route: string): { release(): void } {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    this.next(route, { kind: 'late', answered });
    return { release };
  }

  take(route: string): HubSpotFault | null {
    if (this.down) return { kind: 'unavailable' };
    const index = this.queued.findIndex((queued) => queued.route === route);
    if (index < 0) return null;
    return this.queued.splice(index, 1)[0]!.fault;
  }
}
