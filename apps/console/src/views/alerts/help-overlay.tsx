import { useI18n } from '../../i18n/i18n-provider';
import { Dialog } from '../common/dialog';

export function HelpOverlay({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    ['a', t('help.a')],
    ['d', t('help.d')],
    ['j / ↓', t('help.jk').split(' / ')[0]],
    ['k / ↑', t('help.jk').split(' / ')[1] ?? ''],
    ['Enter', t('help.enter')],
    ['/', t('help.slash')],
    ['?', t('help.question')],
    ['Esc', t('help.esc')],
  ];
  return (
    <Dialog title={t('help.title')} onClose={onClose} testId="help-overlay">
      <div className="help-list">
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <span>
              {k.split(' / ').map((x, i) => (
                <span key={x}>
                  {i > 0 && ' / '}
                  <kbd>{x}</kbd>
                </span>
              ))}
            </span>
            <span>{v}</span>
          </div>
        ))}
      </div>
    </Dialog>
  );
}
