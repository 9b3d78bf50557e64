#!/usr/bin/env node
// The installed `tessera` command: registers tsx (Tessera runs its TypeScript directly, there is
// no build step) and hands over to bin/tessera.ts.
import { register } from 'tsx/esm/api';

register();
await import('./tessera.ts');
