import type { Preview } from '@storybook/react-vite';
import '@roomkit/ui/styles.css';
import { StoryDevtools } from './roomkit';

const preview: Preview = {
  // Every component and hook gets a Docs page: props from its types, its stories inline.
  tags: ['autodocs'],
  // Every user of every story gets `<RoomkitDevtools />` (a button per user, labelled with their
  // name); `parameters: { roomkitDevtools: false }` leaves it out. Docs pages, which show many
  // stories at once, would stack their buttons in the same corners: the panels stay on the
  // stories' own pages.
  decorators: [
    (Story, context) => (
      <StoryDevtools.Provider
        value={context.viewMode !== 'docs' && context.parameters.roomkitDevtools !== false}
      >
        <Story />
      </StoryDevtools.Provider>
    ),
  ],
  parameters: {
    layout: 'padded',
    options: {
      storySort: { order: ['Introduction', 'ui', 'react', 'Recipes'] },
    },
  },
};

export default preview;
