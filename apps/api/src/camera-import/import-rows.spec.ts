import { normaliseOnvifAddress, readImportRows, RegionResolver, type RegionNode } from './import-rows';

const region = (id: string, name: string, parentId: string | null, code: string): RegionNode => ({
  id,
  code,
  name,
  parentId,
  path: `${code}.`,
  lon: 0,
  lat: 0,
});

describe('normaliseOnvifAddress', () => {
  it.each([
    ['192.168.1.64', 'http://192.168.1.64/onvif/device_service'],
    ['192.168.1.64:8080', 'http://192.168.1.64:8080/onvif/device_service'],
    ['cam-7.local:80', 'http://cam-7.local/onvif/device_service'],
    ['[fe80::1]:8000', 'http://[fe80::1]:8000/onvif/device_service'],
    ['http://10.0.0.5/onvif/device_service', 'http://10.0.0.5/onvif/device_service'],
    ['https://10.0.0.5:8443/onvif/dev', 'https://10.0.0.5:8443/onvif/dev'],
    ['http://10.0.0.5', 'http://10.0.0.5/onvif/device_service'],
  ])('%s → %s', (cell, url) => {
    expect(normaliseOnvifAddress(cell)).toBe(url);
  });

  it.each([
    [''],
    ['ftp://10.0.0.5/'],
    ['http://admin:pw@10.0.0.5/onvif/device_service'],
    ['not a host name'],
  ])('refuses %j', (cell) => {
    expect(() => normaliseOnvifAddress(cell)).toThrow();
  });
});

describe('readImportRows', () => {
  it('reads both languages, names the column of a bad field and skips empty rows', () => {
    const rows = readImportRows({
      header: ['Address', '密码', 'REGION', '录像模式', 'retention days', 'National code', 'junk'],
      rows: [
        ['10.0.0.1', 'pw', '清泉镇', '连续', '30', '62079900001320000001', 'x'],
        ['', '', '', '', '', '', ''],
        ['10.0.0.2', '', '', 'sometimes', '', '', ''],
        ['10.0.0.3', '', '', '', '0', '', ''],
        ['10.0.0.4', '', '', '', '', '12345', ''],
      ],
    });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      ok: true,
      input: expect.objectContaining({
        row: 2,
        address: 'http://10.0.0.1/onvif/device_service',
        password: 'pw',
        region: '清泉镇',
        recording: { mode: 'continuous', retentionDays: 30 },
        nationalCode: '62079900001320000001',
      }),
    });
    expect(rows.slice(1).map((r) => (r.ok ? null : [r.problem.row, r.problem.column]))).toEqual([
      [4, '录像模式'],
      [5, 'retention days'],
      [6, 'National code'],
    ]);
  });

  it('reads checkpoint rows by their code', () => {
    const [r] = readImportRows({
      header: ['类型', '名称', '卡口编号', '道路', '方向'],
      rows: [['卡口', '东口', 'KK-1', 'G312', '东向西']],
    });
    expect(r).toEqual({
      ok: true,
      input: expect.objectContaining({ kind: 'checkpoint', address: 'KK-1', lanes: 2, road: 'G312' }),
    });
  });
});

describe('RegionResolver', () => {
  const resolver = new RegionResolver([
    region('c', '丹霞县', null, '620799'),
    region('t1', '清泉镇', 'c', '620799101'),
    region('t2', '位奇镇', 'c', '620799102'),
    region('v1', '城南村', 't1', '620799101001'),
    region('v2', '城南村', 't2', '620799102001'),
  ]);

  it.each([
    ['620799101', 't1'],
    ['清泉镇', 't1'],
    ['丹霞县/清泉镇/城南村', 'v1'],
    ['位奇镇 / 城南村', 'v2'],
    ['丹霞县＞位奇镇＞城南村', 'v2'],
  ])('%s → %s', (cell, id) => {
    const m = resolver.resolve(cell);
    expect(m.ok && m.region.id).toBe(id);
  });

  it('says when a name is ambiguous or unknown', () => {
    expect(resolver.resolve('城南村')).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(resolver.resolve('丹霞县/东乐镇')).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('writes the name path of a region', () => {
    expect(resolver.namePath(resolver.byIdOf('v2')!)).toBe('丹霞县/位奇镇/城南村');
  });
});
