import { expectTypeOf, it } from 'vitest';
import type { RealtimeProviderProps } from '../RealtimeProvider';
import { acrossTabs, useTabLeader, type LeaderPhase } from '../tabs';

it('acrossTabs is what shareConnection takes', () => {
  expectTypeOf(acrossTabs).toExtend<NonNullable<RealtimeProviderProps['shareConnection']>>();
});

it('useTabLeader reports a leader phase or unshared', () => {
  expectTypeOf(useTabLeader).returns.toEqualTypeOf<LeaderPhase | 'unshared'>();
  expectTypeOf<LeaderPhase>().toEqualTypeOf<'idle' | 'following' | 'leading'>();
});
