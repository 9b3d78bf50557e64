/**
 * The layer rule of eslint.config.js refuses a wrong import: a lower layer importing a higher one,
 * the kernel importing a system, a system importing another. Each case lints a small file placed in
 * the layer (it need not exist) with the project's own ESLint configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { sourceFilesUnder } from './importGraph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** A module of a folder, whichever exists (systems are being reshaped; any module of the folder will do). */
function aModuleOf(folder: string): string {
  const module = sourceFilesUnder(ROOT, [folder]).find((file) => file.endsWith('.ts'));
  if (!module) throw new Error(`no module in ${folder}/`);
  return module;
}

/** The specifier by which `file` imports `target` (both relative to the root), e.g. `../gateway/createGateway.ts`. */
function specifier(file: string, target: string): string {
  const relative = path.posix.relative(path.posix.dirname(file), target);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The lint messages of `code` as if it were the file `file`: rule, line and message. */
async function lint(file: string, code: string): Promise<{ ruleId: string | null; line: number; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map(({ ruleId, line, message }) => ({ ruleId, line, message }));
}

const refused = (importPath: string, zone: string) => ({
  ruleId: 'import-x/no-restricted-paths',
  line: 1,
  message: `Unexpected path "${importPath}" imported in restricted zone. ${zone}`,
});

const SYSTEM_TO_SYSTEM = 'A system reads another only through its subgraph (ctx.peers), never its code.';
const KERNEL = 'systems/kernel/ is shared by every system and knows none of them.';

describe('the layer rule', () => {
  const wrong: { file: string; target: string; zone: string }[] = [
    {
      file: 'core/x.ts',
      target: 'gateway/createGateway.ts',
      zone: "core/ may import only itself (the layers are in the README's architecture section).",
    },
    { file: 'systems/kernel/x.ts', target: aModuleOf('systems/crm'), zone: KERNEL },
    { file: 'systems/kernel/x.ts', target: 'systems/systems.ts', zone: KERNEL },
    { file: 'systems/crm/x.ts', target: aModuleOf('systems/erp'), zone: SYSTEM_TO_SYSTEM },
    { file: 'systems/psa/x.ts', target: aModuleOf('systems/crm'), zone: SYSTEM_TO_SYSTEM },
    {
      file: 'policies/x.ts',
      target: 'systems/systems.ts',
      zone: "policies/ may import only core/, auth/ (the layers are in the README's architecture section).",
    },
    {
      file: 'schema/x.ts',
      target: aModuleOf('auth'),
      zone: "schema/ may import only core/ (the layers are in the README's architecture section).",
    },
  ];

  for (const { file, target, zone } of wrong) {
    it(`refuses ${file} importing ${target}`, async () => {
      const importPath = specifier(file, target);
      expect(await lint(file, `import '${importPath}';\n`)).toEqual([refused(importPath, zone)]);
    });
  }

  it('refuses a type-only import the same way', async () => {
    const importPath = '../gateway/createGateway.ts';
    const code = `import type * as gateway from '${importPath}';\nexport type Gateway = typeof gateway;\n`;
    expect(await lint('core/x.ts', code)).toEqual([
      refused(importPath, "core/ may import only itself (the layers are in the README's architecture section)."),
    ]);
  });

  const allowed: { file: string; target: string }[] = [
    { file: 'gateway/x.ts', target: 'core/errors.ts' },
    { file: 'gateway/x.ts', target: aModuleOf('policies') },
    { file: 'policies/x.ts', target: aModuleOf('auth') },
    { file: 'systems/crm/x.ts', target: aModuleOf('systems/kernel') },
    { file: 'systems/crm/x.ts', target: aModuleOf('systems/crm') },
    { file: 'runtime/x.ts', target: 'systems/systems.ts' },
    { file: 'runtime/x.ts', target: 'gateway/createGateway.ts' },
  ];

  for (const { file, target } of allowed) {
    it(`allows ${file} importing ${target}`, async () => {
      expect(fs.existsSync(path.join(ROOT, target))).toBe(true);
      expect(await lint(file, `import '${specifier(file, target)}';\n`)).toEqual([]);
    });
  }
});
