/** The panel's styles; they live in its shadow root, so the app's CSS and this never meet. */
export const devtoolsStyles = `
:host { all: initial; }
.rkd { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0969da;
  --ok: #1a7f37; --warn: #9a6700; --bad: #d1242f; --chip: #f6f8fa;
  font: 12px/1.4 ui-sans-serif, system-ui, sans-serif; color: var(--fg); }
.rkd[data-theme='dark'] { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d;
  --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --chip: #151b23; }
.rkd-toggle { position: fixed; z-index: 2147483646; border: 1px solid var(--line); border-radius: 999px;
  background: var(--bg); color: var(--fg); padding: 6px 12px; font: inherit; font-weight: 600; cursor: pointer;
  box-shadow: 0 2px 8px rgb(0 0 0 / 0.2); display: flex; gap: 6px; align-items: center; }
.rkd-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.rkd-dot[data-state='open'] { background: var(--ok); }
.rkd-dot[data-state='connecting'], .rkd-dot[data-state='reconnecting'] { background: var(--warn); }
.rkd-panel { position: fixed; z-index: 2147483647; width: min(560px, calc(100vw - 24px));
  height: min(420px, calc(100vh - 72px)); display: flex; flex-direction: column; background: var(--bg);
  border: 1px solid var(--line); border-radius: 8px; box-shadow: 0 8px 24px rgb(0 0 0 / 0.25); overflow: hidden; }
[data-position^='bottom'] { bottom: 12px; } [data-position^='top'] { top: 12px; }
[data-position$='right'] { right: 12px; } [data-position$='left'] { left: 12px; }
.rkd-panel[data-position^='bottom'] { bottom: 52px; } .rkd-panel[data-position^='top'] { top: 52px; }
.rkd-head { display: flex; align-items: center; border-bottom: 1px solid var(--line); padding: 0 4px 0 10px; gap: 8px; }
.rkd-title { font-weight: 700; }
.rkd-tabs { display: flex; flex: 1; }
.rkd-tab { border: 0; border-bottom: 2px solid transparent; background: none; color: var(--muted); font: inherit;
  padding: 8px 10px; cursor: pointer; }
.rkd-tab[aria-selected='true'] { color: var(--fg); border-bottom-color: var(--accent); }
.rkd-body { flex: 1; overflow: auto; padding: 10px; }
.rkd button:focus-visible, .rkd input:focus-visible, .rkd select:focus-visible, .rkd-body:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 1px; }
.rkd-btn { border: 1px solid var(--line); background: var(--chip); color: var(--fg); border-radius: 6px;
  font: inherit; padding: 3px 8px; cursor: pointer; }
.rkd-btn[aria-pressed='true'] { background: var(--accent); color: #fff; }
.rkd-close { border: 0; background: none; color: var(--muted); font-size: 16px; cursor: pointer; padding: 4px 8px; }
.rkd table { border-collapse: collapse; width: 100%; }
.rkd th, .rkd td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
.rkd th { color: var(--muted); font-weight: 600; }
.rkd dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 10px; }
.rkd dt { color: var(--muted); } .rkd dd { margin: 0; }
.rkd h3 { font-size: 12px; margin: 12px 0 6px; }
.rkd ul { margin: 0; padding: 0; list-style: none; }
.rkd pre { margin: 4px 0 0; padding: 6px; background: var(--chip); border-radius: 4px; white-space: pre-wrap;
  word-break: break-all; font: 11px/1.4 ui-monospace, monospace; }
.rkd code { font: 11px ui-monospace, monospace; }
.rkd-phase[data-state='joined'] { color: var(--ok); }
.rkd-phase[data-state='errored'], .rkd-phase[data-state='unauthorized'] { color: var(--bad); }
.rkd-phase[data-state='joining'], .rkd-phase[data-state='rejoining'], .rkd-phase[data-state='gap'] { color: var(--warn); }
.rkd-tools { display: flex; gap: 6px; margin-bottom: 8px; align-items: center; flex-wrap: wrap; }
.rkd input, .rkd select { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: 3px 6px; }
.rkd-kind { display: inline-block; min-width: 64px; color: var(--accent); }
.rkd-muted { color: var(--muted); }
.rkd summary { cursor: pointer; }
`;
