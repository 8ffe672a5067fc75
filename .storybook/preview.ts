import type { Preview } from '@storybook/react-vite';
import '@roomkit/ui/styles.css';

const preview: Preview = {
  parameters: { layout: 'padded' },
};

export default preview;
