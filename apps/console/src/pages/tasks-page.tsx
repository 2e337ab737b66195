import { useState } from 'react';
import type { AlertView } from '@xueliang/contracts';
import { useUser } from '../api/session-provider';
import { useAlertCommand } from '../hooks/use-alert-command';
import { useAlertInbox } from '../hooks/use-alert-inbox';
import { useNow } from '../hooks/use-now';
import { useI18n } from '../i18n/i18n-provider';
import { StateBox } from '../views/common/state-box';
import { TaskCard } from '../views/tasks/task-card';

/** 我的任务: what is assigned to this responder, usable on a phone at the scene. */
export function TasksPage() {
  const { t } = useI18n();
  const user = useUser();
  const now = useNow(1000);
  const inbox = useAlertInbox(
    { status: 'open', assignedToMe: true },
    { userId: user.id, regionPath: () => undefined },
  );
  const { run, busy } = useAlertCommand(inbox.put);
  const [messages, setMessages] = useState<Record<string, string>>({});

  const act = async (alert: AlertView, command: 'accept' | 'arrive' | 'resolve', note: string) => {
    const extra = command === 'resolve' ? { outcome: note } : { note: note || undefined };
    const outcome = await run(alert, command, extra as never);
    setMessages((m) => ({
      ...m,
      [alert.id]: outcome.ok ? '' : outcome.conflict ? t('detail.conflict') : outcome.message,
    }));
    if (!outcome.ok && !outcome.conflict) return false;
    return true;
  };

  return (
    <div className="tasks" data-testid="tasks">
      <h2>{t('tasks.title')}</h2>
      <StateBox
        loading={inbox.loading}
        error={inbox.error}
        empty={!inbox.alerts.length}
        emptyText={t('tasks.none')}
        onRetry={inbox.reload}
      >
        {inbox.alerts.map((a) => (
          <TaskCard
            key={a.id}
            alert={a}
            now={now}
            busy={busy !== null}
            message={messages[a.id]}
            onAct={act}
          />
        ))}
      </StateBox>
    </div>
  );
}
