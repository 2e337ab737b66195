import { useState } from 'react';
import type { RegionView } from '@xueliang/contracts';
import type { RegionIndex } from '../../hooks/use-regions';

/** The county → township → village → grid tree; townships open by default, grids on demand. */
export function RegionTree({
  index,
  selectedId,
  onSelect,
  maxDepthLevel = 'grid',
}: {
  index: RegionIndex;
  selectedId?: string | null;
  onSelect(region: RegionView): void;
  maxDepthLevel?: 'township' | 'village' | 'grid';
}) {
  const [open, setOpen] = useState<Set<string>>(() => new Set(index.roots.map((r) => r.id)));
  const depthLimit = { township: 1, village: 2, grid: 3 }[maxDepthLevel];
  const render = (r: RegionView, depth: number) => {
    const kids = depth < depthLimit ? (index.children.get(r.id) ?? []) : [];
    const isOpen = open.has(r.id) || (depth === 0 && !open.size);
    return (
      <li key={r.id}>
        <div
          className={`tree-node ${selectedId === r.id ? 'tree-node-selected' : ''}`}
          style={{ paddingLeft: depth * 12 + 4 }}
          data-testid="region-node"
          data-region-name={r.name}
        >
          {kids.length > 0 ? (
            <button
              type="button"
              className="tree-toggle"
              onClick={() =>
                setOpen((prev) => {
                  const next = new Set(prev);
                  if (next.has(r.id)) next.delete(r.id);
                  else next.add(r.id);
                  return next;
                })
              }
            >
              {isOpen ? '▾' : '▸'}
            </button>
          ) : (
            <span className="tree-toggle" />
          )}
          <button type="button" className="tree-label" onClick={() => onSelect(r)}>
            {r.name}
          </button>
        </div>
        {isOpen && kids.length > 0 && <ul>{kids.map((k) => render(k, depth + 1))}</ul>}
      </li>
    );
  };
  return (
    <ul className="region-tree" data-testid="region-tree">
      {index.roots.map((r) => render(r, 0))}
    </ul>
  );
}
