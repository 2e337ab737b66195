import { useSearchParams } from 'react-router-dom';
import { useSession } from '../api/session-provider';
import { useI18n } from '../i18n/i18n-provider';
import { Tabs, type TabItem } from '../views/common/tabs';
import { ExportsList } from '../views/evidence/exports-list';
import { LocksList } from '../views/evidence/locks-list';
import { VerifyPanel } from '../views/evidence/verify-panel';

type Tab = 'exports' | 'verify' | 'locks';

/** 证据管理: exports with their progress and files, the integrity check, evidence locks. ?tab= */
export function EvidencePage() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const [params, setParams] = useSearchParams();
  const items: TabItem<Tab>[] = [
    ...(hasRole('duty_officer', 'supervisor', 'admin')
      ? [{ key: 'exports' as const, label: t('evidence.exports') }]
      : []),
    { key: 'verify', label: t('evidence.verify') },
    ...(hasRole('supervisor', 'admin') ? [{ key: 'locks' as const, label: t('evidence.locks') }] : []),
  ];
  const asked = params.get('tab') as Tab | null;
  const tab = items.find((i) => i.key === asked)?.key ?? items[0].key;
  return (
    <div>
      <Tabs items={items} active={tab} onChange={(k) => setParams({ tab: k })} />
      {tab === 'exports' && <ExportsList highlight={params.get('highlight')} />}
      {tab === 'verify' && <VerifyPanel />}
      {tab === 'locks' && <LocksList />}
    </div>
  );
}
