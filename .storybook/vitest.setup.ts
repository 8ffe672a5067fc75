// Runs in the browser before the story tests: points the stories at the setup's own server.
import { inject } from 'vitest';

globalThis.__ROOMKIT_STORY_SERVER__ = inject('roomkitStoryServer');
