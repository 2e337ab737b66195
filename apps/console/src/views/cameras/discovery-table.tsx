import type { DiscoveredDevice } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { DataTable } from '../common/form';

/** The scan button and its error, above what WS-Discovery found. */
export function DiscoveryToolbar({
  scanning,
  error,
  onScan,
}: {
  scanning: boolean;
  error: string | null;
  onScan(): void;
}) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <button
        type="button"
        className="btn btn-primary btn-small"
        disabled={scanning}
        data-testid="discovery-scan"
        onClick={onScan}
      >
        {scanning ? t('cameras.scanning') : t('cameras.scan')}
      </button>
      {error && <span className="text-error">{error}</span>}
    </div>
  );
}

/** Devices that answered the scan; one click registers one that is not yet a camera. */
export function DiscoveryTable({
  devices,
  selected,
  onSelect,
  onRegister,
}: {
  devices: DiscoveredDevice[];
  /** Addresses ticked for registering in bulk. */
  selected: ReadonlySet<string>;
  onSelect(xaddrs: string[], on: boolean): void;
  onRegister(device: DiscoveredDevice): void;
}) {
  const { t } = useI18n();
  const open = devices.filter((d) => !d.registeredCameraId).map((d) => d.xaddr);
  return (
    <DataTable
      testId="discovery-table"
      columns={[
        <input
          key="all"
          type="checkbox"
          aria-label={t('bulk.selectAll')}
          data-testid="discovery-select-all"
          checked={open.length > 0 && open.every((x) => selected.has(x))}
          onChange={(e) => onSelect(open, e.target.checked)}
        />,
        t('common.name'),
        t('cameras.address'),
        t('cameras.model'),
        t('common.actions'),
      ]}
    >
      {devices.map((d) => (
        <tr key={d.urn || d.xaddr}>
          <td>
            {!d.registeredCameraId && (
              <input
                type="checkbox"
                aria-label={d.xaddr}
                checked={selected.has(d.xaddr)}
                onChange={(e) => onSelect([d.xaddr], e.target.checked)}
              />
            )}
          </td>
          <td>{d.name ?? '—'}</td>
          <td className="mono">{d.xaddr}</td>
          <td>{d.hardware ?? '—'}</td>
          <td>
            {d.registeredCameraId ? (
              <span className="muted">{t('cameras.registered')}</span>
            ) : (
              <button type="button" className="btn btn-small" onClick={() => onRegister(d)}>
                {t('cameras.register')}
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
