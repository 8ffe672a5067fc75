import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: `export { RealtimeProvider, useConnectionStatus, useLostConnectionListener, useChannelStatus, useBroadcast, usePresence, usePresenceSelector, usePostgresChanges, useRealtime } from './index';`, resolveDir: process.cwd()+'/src', loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, external: ['react','react-dom','react/jsx-runtime','@supabase/supabase-js','@tanstack/react-query'], define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent' });
const o = r.outputFiles[0].contents; console.log(o.byteLength, gzipSync(o,{level:9}).byteLength);
if (process.argv[2]) console.log(Buffer.from(o).toString());
