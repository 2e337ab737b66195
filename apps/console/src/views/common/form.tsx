import { useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Dialog } from './dialog';

/**
 * A dialog with Cancel and one submit button. `onSubmit` answers with an error message to show
 * (the dialog stays open) or null; the caller closes the dialog when it is done.
 */
export function FormDialog({
  title,
  onClose,
  onSubmit,
  submitLabel,
  busyLabel,
  canSubmit = true,
  wide,
  testId,
  submitTestId,
  children,
}: {
  title: string;
  onClose(): void;
  onSubmit(): Promise<string | null>;
  /** Defaults to 保存 / Save. */
  submitLabel?: string;
  /** Shown on the submit button while the request runs. */
  busyLabel?: string;
  canSubmit?: boolean;
  wide?: boolean;
  testId?: string;
  submitTestId?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    setError(await onSubmit());
    setBusy(false);
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      wide={wide}
      testId={testId}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canSubmit || busy}
            onClick={submit}
            data-testid={submitTestId}
          >
            {busy && busyLabel ? busyLabel : (submitLabel ?? t('common.save'))}
          </button>
        </>
      }
    >
      {children}
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}

/** One row of a `.form-grid`: the label in the first column, the control in the second. */
export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <>
      <label>{label}</label>
      {children}
    </>
  );
}

/** A labelled text input that reports the new string. */
export function TextField({
  label,
  value,
  onChange,
  ...input
}: {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <Field label={label}>
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/**
 * A select over one of the domain's enums (ROLES, PRIORITIES, ...), each option shown by its
 * message `${prefix}.${value}`. `all` adds a first, empty option with that text.
 */
export function EnumSelect<V extends string>({
  values,
  prefix,
  value,
  onChange,
  all,
  testId,
}: {
  values: readonly V[];
  prefix: string;
  value: string;
  onChange(value: NoInfer<V> | ''): void;
  all?: string;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as V | '')} data-testid={testId}>
      {all !== undefined && <option value="">{all}</option>}
      {values.map((v) => (
        <option key={v} value={v}>
          {t(`${prefix}.${v}` as MessageKey)}
        </option>
      ))}
    </select>
  );
}

/** A `.table` with one header row; the caller renders the body rows. */
export function DataTable({
  columns,
  testId,
  children,
}: {
  /** Header texts; '' for a column without a heading (the row's buttons). */
  columns: ReactNode[];
  testId?: string;
  children: ReactNode;
}) {
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The toolbar above a table: whatever the caller puts on the left, 新建 / Create on the right. */
export function CreateToolbar({
  onCreate,
  testId,
  children,
}: {
  onCreate(): void;
  testId?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      {children}
      <span className="spacer" />
      <button type="button" className="btn btn-primary btn-small" data-testid={testId} onClick={onCreate}>
        {t('common.create')}
      </button>
    </div>
  );
}

/** A small red button that acts only after the operator confirms `question` (delete, revoke). */
export function ConfirmButton({
  label,
  question,
  onConfirm,
}: {
  label: string;
  question: string;
  onConfirm(): void;
}) {
  return (
    <button
      type="button"
      className="btn btn-small btn-danger"
      onClick={() => window.confirm(question) && onConfirm()}
    >
      {label}
    </button>
  );
}

/** The last cell of a record's row: 编辑, any extra buttons, then 删除 after a confirmation. */
export function EditDeleteCell({
  name,
  onEdit,
  onDelete,
  editTestId,
  children,
}: {
  /** Named in the confirmation. */
  name: string;
  onEdit(): void;
  onDelete(): void;
  editTestId?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <td>
      <div className="btn-row">
        <button type="button" className="btn btn-small" onClick={onEdit} data-testid={editTestId}>
          {t('common.edit')}
        </button>
        {children}
        <ConfirmButton
          label={t('common.delete')}
          question={`${t('common.confirmDelete')} ${name}`}
          onConfirm={onDelete}
        />
      </div>
    </td>
  );
}
