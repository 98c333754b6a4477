/**
 * Imported first by main.ts. tsx turns Node's source-map support on, and with it Node decodes the
 * inline source map of every module it loads — cdktf and each provider class ship one — and maps
 * every stack trace cdktf captures while it builds tokens. For a synth that is about a fifth of the
 * CPU time and 40 MiB, for nothing: the app reports configuration problems as messages. Run with
 * NODE_OPTIONS=--enable-source-maps to keep them (TypeScript positions in an unexpected stack trace).
 */
const asked = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
if (!asked) process.setSourceMapsEnabled(false);

export {};
