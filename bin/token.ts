/**
 * `npm run token -- --sub alice --scope "crm:read psa:read" --legal-entities US01,UK01`
 *
 * Prints a development bearer token signed with the dev key (`<TESSERA_DATA_DIR>/dev-signing-key`,
 * created on first use), for the issuer and audience the gateway is configured with. Only the token
 * goes to stdout, so `TOKEN=$(npm run -s token -- --sub alice)` works; everything else goes to stderr.
 */
import { loadConfig } from '../gateway/config.ts';
import { DEV_TOKEN_USAGE, DevTokenUsageError, issueDevToken, parseDevTokenArgs } from '../policies/devToken.ts';

async function main(argv: readonly string[]): Promise<void> {
  const config = loadConfig();
  const request = parseDevTokenArgs(argv);
  const token = await issueDevToken(request, config.auth);
  process.stdout.write(`${token}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof DevTokenUsageError) {
    process.stderr.write(`token: ${error.message}\n${DEV_TOKEN_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
