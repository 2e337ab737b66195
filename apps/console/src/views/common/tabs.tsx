export interface TabItem<K extends string> {
  key: K;
  label: string;
}

export function Tabs<K extends string>({
  items,
  active,
  onChange,
}: {
  items: TabItem<K>[];
  active: K;
  onChange(key: K): void;
}) {
  return (
    <nav className="tabs">
      {items.map((item) => (
        <button
          key={item.key}
          type="button"
          className={`tab ${item.key === active ? 'tab-active' : ''}`}
          data-testid={`tab-${item.key}`}
          onClick={() => onChange(item.key)}
        >
          {item.label}
        </button>
      ))}
    </nav>
  );
}
