import type { Preview } from '@storybook/react-vite';
import '@roomkit/ui/styles.css';

const preview: Preview = {
  // Every component and hook gets a Docs page: props from its types, its stories inline.
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    options: {
      storySort: { order: ['Introduction', 'ui', 'react', 'Recipes'] },
    },
  },
};

export default preview;
