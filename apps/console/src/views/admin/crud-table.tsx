import { useState, type CSSProperties, type InputHTMLAttributes, type ReactNode } from 'react';
import type { RegionLevel, RegionView } from '@xueliang/contracts';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import {
  ConfirmButton,
  CreateToolbar,
  DataTable,
  EnumSelect,
  Field,
  FormDialog,
  TextField,
} from '../common/form';
import { RegionSelect } from '../common/region-select';

/**
 * One table of records with a create/edit form, described by columns and fields. Every admin
 * table is a CrudConfig of this; the page owns fetching and turning a form value into a request.
 */

/** What a form holds: text inputs, checkboxes and multi-choices, keyed by name. */
export type FormValue = Record<string, string | boolean | string[]>;
/** The keys of V whose values are of type T, so a text field cannot point at a checkbox's key. */
type KeyOf<V, T> = { [K in keyof V]: V[K] extends T ? K : never }[keyof V] & string;

export interface CrudColumn<Row> {
  header: ReactNode;
  cell(row: Row): ReactNode;
  className?: string;
  style?(row: Row): CSSProperties;
}

interface FieldBase {
  label: string;
  /** Shown only when creating (fixed once created) or only when editing (e.g. 停用). */
  only?: 'create' | 'edit';
  /** Shown but read-only when editing (a username, a region code). */
  lockedWhenEditing?: boolean;
}

export type CrudField<V extends FormValue> = FieldBase &
  (
    | {
        kind: 'text';
        key: KeyOf<V, string>;
        input?: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;
      }
    | { kind: 'textarea'; key: KeyOf<V, string>; rows: number }
    | { kind: 'enum'; key: KeyOf<V, string>; values: readonly string[]; prefix: string }
    | { kind: 'region'; key: KeyOf<V, string>; maxLevel?: RegionLevel }
    | { kind: 'flag'; key: KeyOf<V, boolean> }
    /** Checkboxes over an enum, the value the list of those ticked. */
    | { kind: 'choices'; key: KeyOf<V, string[]>; values: readonly string[]; prefix: string }
    /** Two short inputs on one row (lon / lat). */
    | { kind: 'pair'; keys: readonly [KeyOf<V, string>, KeyOf<V, string>] }
  );

export interface CrudConfig<Row extends { id: string }, V extends FormValue> {
  tableTestId: string;
  columns: CrudColumn<Row>[];
  /** Display order of the rows, when not the api's. */
  order?(a: Row, b: Row): number;
  rowTestId?: string;
  /** data-* attributes of a row, for tests that look a record up by name. */
  rowData?(row: Row): Record<`data-${string}`, string>;
  /** Left side of the toolbar. */
  toolbar?(rows: Row[]): ReactNode;
  createTestId?: string;
  /** The empty form; without it there is no 新建 button. */
  blank?(rows: Row[]): V;
  /** The form for a row; without it rows have no 编辑 button. */
  toForm?(row: Row): V;
  /** A destructive row action (revoke, delete), asked for with window.confirm. */
  remove?: { label: MessageKey; allowed(row: Row): boolean; confirm(row: Row): string };
  formTitle(row: Row | undefined): string;
  formTestId?: string;
  fields: CrudField<V>[];
}

export interface CrudTableProps<Row extends { id: string }, V extends FormValue> {
  config: CrudConfig<Row, V>;
  rows: Row[];
  regions: RegionView[];
  /**
   * Saves the form: null when it worked (the form closes), else the message the form shows.
   * Needed only by a config with `blank` or `toForm`.
   */
  onSave?(id: string | undefined, value: V): Promise<string | null>;
  onRemove?(row: Row): void;
  /** Shown between the toolbar and the table (a created key shown once). */
  banner?: ReactNode;
}

export function CrudTable<Row extends { id: string }, V extends FormValue>({
  config,
  rows,
  regions,
  onSave,
  onRemove,
  banner,
}: CrudTableProps<Row, V>) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ row?: Row; value: V } | null>(null);
  const { blank, toForm, remove } = config;
  const sorted = config.order ? [...rows].sort(config.order) : rows;
  const hasActions = !!toForm || !!remove;
  return (
    <>
      {blank && (
        <CreateToolbar testId={config.createTestId} onCreate={() => setEditing({ value: blank(sorted) })}>
          {config.toolbar?.(rows)}
        </CreateToolbar>
      )}
      {banner}
      <DataTable
        testId={config.tableTestId}
        columns={[...config.columns.map((c) => c.header), ...(hasActions ? [''] : [])]}
      >
        {sorted.map((row) => (
          <tr key={row.id} data-testid={config.rowTestId} {...config.rowData?.(row)}>
            {config.columns.map((c, i) => (
              <td key={i} className={c.className} style={c.style?.(row)}>
                {c.cell(row)}
              </td>
            ))}
            {hasActions && (
              <td>
                {toForm && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setEditing({ row, value: toForm(row) })}
                  >
                    {t('common.edit')}
                  </button>
                )}
                {remove?.allowed(row) && (
                  <ConfirmButton
                    label={t(remove.label)}
                    question={remove.confirm(row)}
                    onConfirm={() => onRemove?.(row)}
                  />
                )}
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      {editing && (
        <CrudForm
          config={config}
          initial={editing.value}
          row={editing.row}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={async (value) => {
            const err = onSave ? await onSave(editing.row?.id, value) : null;
            if (!err) setEditing(null);
            return err;
          }}
        />
      )}
    </>
  );
}

function CrudForm<Row extends { id: string }, V extends FormValue>({
  config,
  initial,
  row,
  regions,
  onClose,
  onSave,
}: {
  config: CrudConfig<Row, V>;
  initial: V;
  row: Row | undefined;
  regions: RegionView[];
  onClose(): void;
  onSave(value: V): Promise<string | null>;
}) {
  const [v, setV] = useState(initial);
  const editing = !!row;
  const shown = config.fields.filter((f) => !f.only || (f.only === 'edit') === editing);
  return (
    <FormDialog
      title={config.formTitle(row)}
      onClose={onClose}
      onSubmit={() => onSave(v)}
      testId={config.formTestId}
      submitTestId="form-save"
    >
      <div className="form-grid">
        {shown.map((f) => (
          <FieldInput
            key={f.kind === 'pair' ? f.keys.join('/') : f.key}
            field={f}
            value={v}
            locked={editing && !!f.lockedWhenEditing}
            regions={regions}
            // The field's kind decides the type of what it writes; the value is one record of them.
            onChange={(key, next) => setV((prev) => ({ ...prev, [key]: next }))}
          />
        ))}
      </div>
    </FormDialog>
  );
}

function FieldInput<V extends FormValue>({
  field: f,
  value: v,
  locked,
  regions,
  onChange,
}: {
  field: CrudField<V>;
  value: V;
  locked: boolean;
  regions: RegionView[];
  onChange(key: string, next: string | boolean | string[]): void;
}) {
  const { t } = useI18n();
  const text = (key: string) => String(v[key] ?? '');
  switch (f.kind) {
    case 'text':
      return (
        <TextField
          label={f.label}
          {...f.input}
          value={text(f.key)}
          disabled={locked}
          onChange={(next) => onChange(f.key, next)}
        />
      );
    case 'textarea':
      return (
        <Field label={f.label}>
          <textarea rows={f.rows} value={text(f.key)} onChange={(e) => onChange(f.key, e.target.value)} />
        </Field>
      );
    case 'enum':
      return (
        <Field label={f.label}>
          <EnumSelect
            values={f.values}
            prefix={f.prefix}
            value={text(f.key)}
            onChange={(next) => onChange(f.key, next)}
          />
        </Field>
      );
    case 'region':
      return (
        <Field label={f.label}>
          <RegionSelect
            regions={regions}
            value={text(f.key)}
            onChange={(next) => onChange(f.key, next)}
            maxLevel={f.maxLevel}
          />
        </Field>
      );
    case 'flag':
      return (
        <Field label={f.label}>
          <input
            type="checkbox"
            checked={v[f.key] === true}
            onChange={(e) => onChange(f.key, e.target.checked)}
          />
        </Field>
      );
    case 'choices': {
      const ticked: unknown = v[f.key];
      const list = Array.isArray(ticked) ? ticked.filter((x): x is string => typeof x === 'string') : [];
      return (
        <Field label={f.label}>
          <div className="btn-row">
            {f.values.map((c) => (
              <label key={c} className="btn-row">
                <input
                  type="checkbox"
                  checked={list.includes(c)}
                  onChange={(e) =>
                    onChange(f.key, e.target.checked ? [...list, c] : list.filter((x) => x !== c))
                  }
                />
                {t(`${f.prefix}.${c}` as MessageKey)}
              </label>
            ))}
          </div>
        </Field>
      );
    }
    case 'pair':
      return (
        <Field label={f.label}>
          <div className="btn-row">
            {f.keys.map((key) => (
              <input
                key={key}
                value={text(key)}
                onChange={(e) => onChange(key, e.target.value)}
                style={{ width: 110 }}
              />
            ))}
          </div>
        </Field>
      );
  }
}
