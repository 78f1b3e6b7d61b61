import { register } from 'node:module';
register('../support/forge-resolver-interop.mjs', import.meta.url);
await import(process.argv[2] ?? "./probe");
