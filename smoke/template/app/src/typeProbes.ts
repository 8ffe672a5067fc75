import type { RealtimeProviderProps } from '@roomkit/react';
import { supabaseChatPersistence, type ChatProps } from '@roomkit/ui';

// Each line compiles only while the packages' types are real. A declaration file that imports a
// module this app cannot resolve silently turns it into `any` when skipLibCheck is on, and then
// these errors disappear and each unused @ts-expect-error fails the typecheck instead.

// @ts-expect-error the provider's client is a SupabaseClient (@supabase/supabase-js's types)
export const providerProps: RealtimeProviderProps = { client: 42, children: null };

// @ts-expect-error the chat persistence adapter needs a SupabaseClient too
export const persistence = () => supabaseChatPersistence('not a client');

// @ts-expect-error Chat's className is a string (React's HTML attribute types)
export const chatProps: ChatProps = { room: 'r', user: { id: 'a', name: 'A' }, className: 42 };
