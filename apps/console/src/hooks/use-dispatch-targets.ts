import type { UnitView, UserView } from '@xueliang/contracts';
import { unitsApi, usersApi } from '../api/endpoints';
import { useResource } from './use-resource';

export interface DispatchTargets {
  units: UnitView[];
  responders: UserView[];
}

/** Units and responders a dispatcher may route to (only fetched for users who can dispatch). */
export function useDispatchTargets(enabled: boolean): DispatchTargets {
  const res = useResource<DispatchTargets>(async () => {
    if (!enabled) return { units: [], responders: [] };
    const [units, responders] = await Promise.all([
      unitsApi.list().catch(() => [] as UnitView[]),
      usersApi.list({ role: 'responder' }).catch(() => [] as UserView[]),
    ]);
    return { units: units.filter((u) => !u.disabled), responders: responders.filter((u) => !u.disabled) };
  }, [enabled]);
  return res.data ?? { units: [], responders: [] };
}
