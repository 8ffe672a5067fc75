import type { Meta, StoryObj } from '@storybook/react-vite';
import { createClient } from '@supabase/supabase-js';
import { useState } from 'react';
import { expect, waitFor } from 'storybook/test';
import { storyServer, useStoryRoom } from '../roomkit';
import { App } from '../snippets/App';
import usage from '../snippets/App.tsx?raw';
import { DocumentHeader } from '../snippets/AvatarStack';

const meta = {
  title: 'Recipes/Getting started',
  parameters: {
    docs: {
      description: {
        component:
          "The Introduction's setup, run as is: a Supabase client for the local server, an anonymous sign-in, and the providers around a component.",
      },
    },
  },
} satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** `App` from the Introduction around the AvatarStack's usage example. */
export const Setup: Story = {
  parameters: {
    docs: { source: { code: usage, language: 'tsx' }, canvas: { sourceState: 'shown' } },
  },
  render: () => {
    const Page = () => {
      const room = useStoryRoom('recipes:setup');
      const [supabase] = useState(() =>
        createClient(storyServer().url, storyServer().anonKey, {
          auth: { persistSession: false, storageKey: 'rk-story-setup' },
        }),
      );
      return (
        <App supabase={supabase} name="Ann">
          {(user) => <DocumentHeader documentId={room} user={user} />}
        </App>
      );
    };
    return <Page />;
  },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => expect(canvasElement.querySelectorAll('[data-slot="avatar"]')).toHaveLength(1),
      { timeout: 15_000 },
    );
  },
};
