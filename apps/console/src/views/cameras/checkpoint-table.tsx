import type { CheckpointView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import { DataTable, EditDeleteCell } from '../common/form';

/** Road checkpoints (卡口) with their road, direction and lanes; edit and delete per row. */
export function CheckpointTable({
  checkpoints,
  regionName,
  onEdit,
  onRemove,
}: {
  checkpoints: CheckpointView[];
  /** The region's name when the row does not carry it. */
  regionName(regionId: string): string | undefined;
  onEdit(checkpoint: CheckpointView): void;
  onRemove(checkpoint: CheckpointView): void;
}) {
  const { t } = useI18n();
  return (
    <DataTable
      testId="checkpoint-table"
      columns={[
        t('checkpoints.code'),
        t('common.name'),
        t('checkpoints.road'),
        t('checkpoints.direction'),
        t('checkpoints.lanes'),
        t('common.region'),
        t('common.status'),
        t('common.actions'),
      ]}
    >
      {checkpoints.map((c) => (
        <tr key={c.id}>
          <td className="mono">{c.code}</td>
          <td>{c.name}</td>
          <td>{c.road}</td>
          <td>{c.direction}</td>
          <td>{c.lanes}</td>
          <td>{c.regionName ?? regionName(c.regionId)}</td>
          <td>{c.status ?? '—'}</td>
          <EditDeleteCell name={c.name} onEdit={() => onEdit(c)} onDelete={() => onRemove(c)} />
        </tr>
      ))}
    </DataTable>
  );
}
