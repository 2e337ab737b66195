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
  onRegister,
}: {
  devices: DiscoveredDevice[];
  onRegister(device: DiscoveredDevice): void;
}) {
  const { t } = useI18n();
  return (
    <DataTable
      testId="discovery-table"
      columns={[t('common.name'), t('cameras.address'), t('cameras.model'), t('common.actions')]}
    >
      {devices.map((d) => (
        <tr key={d.urn || d.xaddr}>
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
