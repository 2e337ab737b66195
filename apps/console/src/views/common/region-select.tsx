import type { RegionView } from '@xueliang/contracts';

/** Regions indented by depth, so a township's villages read as its children. */
export function RegionSelect({
  regions,
  value,
  onChange,
  allowEmpty,
  emptyLabel,
  maxLevel,
  testId,
}: {
  regions: RegionView[];
  value: string;
  onChange(id: string): void;
  allowEmpty?: boolean;
  emptyLabel?: string;
  maxLevel?: 'county' | 'township' | 'village' | 'grid';
  testId?: string;
}) {
  const order = ['county', 'township', 'village', 'grid'];
  const limit = maxLevel ? order.indexOf(maxLevel) : 3;
  const sorted = [...regions].sort((a, b) => a.path.localeCompare(b.path));
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {allowEmpty && <option value="">{emptyLabel ?? '—'}</option>}
      {sorted
        .filter((r) => order.indexOf(r.level) <= limit)
        .map((r) => (
          <option key={r.id} value={r.id}>
            {'　'.repeat(Math.max(0, order.indexOf(r.level)))}
            {r.name}
          </option>
        ))}
    </select>
  );
}
