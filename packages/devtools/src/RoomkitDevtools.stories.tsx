import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor, within } from 'storybook/test';
import { useBroadcast, usePresence } from '@roomkit/react';
import { StoryUser, Users, useStoryRoom } from '../../../.storybook/roomkit';
import { RoomkitDevtools } from './RoomkitDevtools';

/** Someone in a room: tracked in presence, able to wave. */
function Member(props: { room: string; id: string; name: string }) {
  usePresence(props.room, { key: props.id, state: { name: props.name, cursor: { x: 10, y: 20 } } });
  const { send } = useBroadcast<{ from: string }>(props.room, 'wave');
  return (
    <button type="button" onClick={() => void send({ from: props.name })}>
      Wave as {props.name}
    </button>
  );
}

/** The devtools panel's shadow root, once the panel has mounted. */
async function panelOf(canvasElement: HTMLElement): Promise<HTMLElement> {
  return waitFor(
    () => {
      const root = canvasElement.querySelector('[data-roomkit-devtools]')?.shadowRoot;
      const panel = root?.querySelector<HTMLElement>('.rkd');
      if (!panel) throw new Error('no devtools yet');
      return panel;
    },
    { timeout: 15_000 },
  );
}

/** `<RoomkitDevtools />`: the connection, every room, presence and a live event log. */
const meta = {
  title: 'devtools/RoomkitDevtools',
  component: RoomkitDevtools,
  args: {
    initialIsOpen: true,
    position: 'bottom-right',
    theme: 'system',
    eventLimit: 500,
    label: 'Roomkit',
  },
  // These stories place the panel themselves, instead of the preview's one per user.
  parameters: { roomkitDevtools: false },
  argTypes: {
    position: {
      control: 'inline-radio',
      options: ['bottom-right', 'bottom-left', 'top-right', 'top-left'],
    },
    theme: { control: 'inline-radio', options: ['system', 'light', 'dark'] },
  },
} satisfies Meta<typeof RoomkitDevtools>;
export default meta;
type Story = StoryObj<typeof meta>;

/** One user in a room with the panel open on the Connection tab. */
export const Default: Story = {
  render: function Render(args) {
    const room = useStoryRoom('stories:devtools');
    return (
      <StoryUser name="Ann">
        {({ user }) => (
          <>
            <Member room={room} id={user.id} name={user.name} />
            <RoomkitDevtools {...args} />
          </>
        )}
      </StoryUser>
    );
  },
  play: async ({ canvasElement }) => {
    const panel = await panelOf(canvasElement);
    await waitFor(
      () =>
        expect(panel.querySelector('[data-testid="rkd-status"]')?.getAttribute('data-state')).toBe(
          'open',
        ),
      { timeout: 15_000 },
    );
  },
};

/** Both themes, in two corners. */
export const AllStates: Story = {
  render: function Render() {
    const room = useStoryRoom('stories:devtools-themes');
    return (
      <StoryUser name="Ann">
        {({ user }) => (
          <>
            <Member room={room} id={user.id} name={user.name} />
            <RoomkitDevtools initialIsOpen theme="light" position="bottom-right" />
            <RoomkitDevtools initialIsOpen theme="dark" position="top-left" />
          </>
        )}
      </StoryUser>
    );
  },
};

/** Ann and Bob in one room; Ann's panel logs Bob's wave and lists both of them. */
export const MultiUser: Story = {
  render: function Render(args) {
    const room = useStoryRoom('stories:devtools-two');
    return (
      <Users count={2}>
        {({ user }) => (
          <>
            <Member room={room} id={user.id} name={user.name} />
            {user.name === 'Ann' && <RoomkitDevtools {...args} />}
          </>
        )}
      </Users>
    );
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const panel = within(await panelOf(canvasElement));
    (await panel.findByRole('tab', { name: 'Presence' })).click();
    await waitFor(() => expect(panel.getByText('2 people')).toBeTruthy(), { timeout: 15_000 });
    (await panel.findByRole('tab', { name: 'Events' })).click();
    (await canvas.findByRole('button', { name: 'Wave as Bob' }, { timeout: 15_000 })).click();
    await waitFor(() => expect(panel.getByText('wave', { exact: true })).toBeTruthy(), {
      timeout: 15_000,
    });
  },
};

/**
 * What every other story gets from the preview's decorator: each user's own panel, its button
 * labelled with their name, in their own corner.
 */
export const InEveryStory: Story = {
  parameters: { roomkitDevtools: true },
  render: function Render() {
    const room = useStoryRoom('stories:devtools-every');
    return (
      <Users count={2}>{({ user }) => <Member room={room} id={user.id} name={user.name} />}</Users>
    );
  },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => {
        const buttons = [...canvasElement.querySelectorAll('[data-roomkit-devtools]')].map((host) =>
          host.shadowRoot?.querySelector('.rkd-toggle'),
        );
        expect(buttons.map((button) => button?.textContent)).toEqual(['Ann', 'Bob']);
        expect(buttons.map((button) => button?.getAttribute('data-position'))).toEqual([
          'bottom-right',
          'bottom-left',
        ]);
      },
      { timeout: 15_000 },
    );
  },
};
