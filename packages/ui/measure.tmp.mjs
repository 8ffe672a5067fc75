import { build } from 'esbuild';
const r = await build({ stdin:{contents:`export * from './index'; export * from './table';`, resolveDir: process.argv[2], loader:'ts'}, bundle:true, minify:true, format:'esm', platform:'browser', write:false, conditions:['source'], external:['react','react-dom','react/jsx-runtime','@supabase/supabase-js','@tanstack/react-query'], define:{'process.env.NODE_ENV':'"production"'}, logLevel:'silent'});
const o=r.outputFiles[0].contents; const {gzipSync}=await import('node:zlib');
console.log(o.byteLength, gzipSync(o,{level:9}).byteLength);
const t=new TextDecoder().decode(o); const i=t.indexOf('chat_unread_count'); 
const j=t.indexOf('unreadCount(');
const k=t.lastIndexOf('accessTokenValue'); console.log(t.slice(k-900,k+700));
