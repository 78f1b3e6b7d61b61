/**
 * `npm run bench` entry. The hook must be registered before the app is imported (see the hook's
 * comment), so everything else is loaded dynamically after it.
 */
import { register } from 'node:module';

register('./support/forge-resolver-interop.mjs', import.meta.url);
const { main } = await import('./main');
process.exitCode = await main(process.argv.slice(2));
