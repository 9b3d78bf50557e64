#!/usr/bin/env node
// The installed `tessera` command of a development checkout: registers tsx (it runs the TypeScript
// directly) and hands over to bin/tessera.ts. Production runs the compiled build instead,
// `node dist/bin/tessera.js` (`npm run build`, README "Packaging").
import { register } from 'tsx/esm/api';

register();
await import('./tessera.ts');
