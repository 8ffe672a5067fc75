import type { ComponentProps } from 'react';
import { expectTypeOf, it } from 'vitest';
import type { Avatar } from '../Avatar';
import type { AvatarStack } from '../AvatarStack';
import type { ConnectionBadge } from '../ConnectionBadge';
import type { Cursors } from '../Cursors';
import type { TypingIndicator } from '../TypingIndicator';

it('takes no children on components that render their own content', () => {
  expectTypeOf<ComponentProps<typeof Avatar>>().not.toHaveProperty('children');
  expectTypeOf<ComponentProps<typeof AvatarStack>>().not.toHaveProperty('children');
  expectTypeOf<ComponentProps<typeof Cursors>>().not.toHaveProperty('children');
  expectTypeOf<ComponentProps<typeof ConnectionBadge>>().not.toHaveProperty('children');
  expectTypeOf<ComponentProps<typeof TypingIndicator>>().not.toHaveProperty('children');
});

it('still takes the element’s other attributes, a class name and a ref', () => {
  expectTypeOf<ComponentProps<typeof AvatarStack>>().toHaveProperty('className');
  expectTypeOf<ComponentProps<typeof AvatarStack>>().toHaveProperty('onKeyDown');
  expectTypeOf<ComponentProps<typeof Cursors>>().toHaveProperty('ref');
  expectTypeOf<ComponentProps<typeof ConnectionBadge>>().toHaveProperty('title');
  expectTypeOf<ComponentProps<typeof TypingIndicator>>().toHaveProperty('style');
});
