import type { ReactNode } from 'react';
import * as Devtools from './production';
import type { RoomkitDevtoolsProps } from './RoomkitDevtools';

// Module-scoped, so it needs no Node types; bundlers replace `process.env.NODE_ENV`.
declare const process: { env: { NODE_ENV?: string } };

function Noop(_props: RoomkitDevtoolsProps): null {
  return null;
}

/**
 * The Roomkit devtools panel in development; in a production build (`NODE_ENV=production`) a
 * component that renders nothing, and the panel's code is left out of the bundle. Import from
 * `@roomkit/devtools/production` to ship it on purpose.
 * @example
 * <RealtimeProvider client={supabase}>
 *   <App />
 *   <RoomkitDevtools />
 * </RealtimeProvider>
 */
export const RoomkitDevtools: (props: RoomkitDevtoolsProps) => ReactNode =
  process.env.NODE_ENV === 'production' ? Noop : Devtools.RoomkitDevtools;

export type { RoomkitDevtoolsProps } from './RoomkitDevtools';
