import { useI18n } from '../../i18n/i18n-provider';
import { Dialog } from '../common/dialog';

/** The playback page's keys (?). */
export function PlaybackHelp({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const rows: [string[], string][] = [
    [['Space'], t('playback.keySpace')],
    [['←', '→'], t('playback.keyArrows')],
    [[',', '.'], t('playback.keyFrame')],
    [['+', '−'], t('playback.keyZoom')],
    [['[', ']'], t('playback.keySpeed')],
    [['I', 'O'], t('playback.keyInOut')],
    [['E'], t('playback.export')],
    [['L'], t('playback.lock')],
    [[t('playback.wheel')], t('playback.keyZoom')],
    [[t('playback.drag')], t('playback.keyDrag')],
    [['?'], t('help.question')],
  ];
  return (
    <Dialog title={t('playback.helpTitle')} onClose={onClose} testId="playback-help">
      <div className="help-list">
        {rows.map(([keys, text]) => (
          <div key={keys.join()} style={{ display: 'contents' }}>
            <span>
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' / '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </span>
            <span>{text}</span>
          </div>
        ))}
      </div>
    </Dialog>
  );
}
