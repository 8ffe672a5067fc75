import type { StorybookConfig } from '@storybook/react-vite';

/** One Storybook for the whole repo: stories sit beside the hooks and components they show. */
const config: StorybookConfig = {
  stories: ['../packages/*/src/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Workspace packages are read from source, so the playground never needs a build.
  viteFinal: async (viteConfig) => {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, { resolve: { conditions: ['source'] } });
  },
};

export default config;
