import type { StorybookConfig } from '@storybook/react-vite';

/**
 * One Storybook for the whole repo: stories sit beside the hooks and components they show; the
 * Introduction and the Recipes (which span packages) live here.
 */
const config: StorybookConfig = {
  stories: ['./docs/*.mdx', '../packages/*/src/**/*.stories.@(ts|tsx)', './recipes/*.stories.tsx'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // The Introduction page replaces Storybook's own onboarding checklist.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  // Workspace packages are read from source, so the playground never needs a build.
  viteFinal: async (viteConfig, { configType }) => {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      resolve: { conditions: ['source'] },
      // The static build is rebundled into classic scripts that open from disk (disk/openFromDisk.ts):
      // a lazily loaded story must then need no module preload and no stylesheet of its own.
      ...(configType === 'PRODUCTION' && { build: { modulePreload: false, cssCodeSplit: false } }),
    });
  },
};

export default config;
