import type { RegionLevel, UnitKind } from '@xueliang/contracts';

/**
 * A demo county shaped like the sources (Shandan: 8 townships, ~117 villages, ~197 grids),
 * scaled to 8 townships, 40 villages and 150 grids. The county is fictional; its shape tiles
 * a rectangle around 101.08 E, 38.78 N so boundaries never overlap on the map.
 */
export const COUNTY = { code: '620799', name: '丹霞县', lon: 101.08, lat: 38.78 };

export const TOWNSHIPS = [
  { name: '清泉镇', villages: ['城南村', '城北社区', '南关村', '北关村', '西街社区'] },
  { name: '位奇镇', villages: ['位奇村', '芦堡村', '高庙村', '新开村', '四坝村'] },
  { name: '霍城镇', villages: ['霍城村', '西关村', '泉头村', '双湖村', '刘庄村'] },
  { name: '陈户镇', villages: ['陈户村', '范营村', '张湾村', '岸头村', '三十里堡村'] },
  { name: '大马营镇', villages: ['大马营村', '楼庄村', '城南庄村', '中河村', '新墩村'] },
  { name: '东乐镇', villages: ['东乐村', '十里堡村', '城西村', '静安村', '西屯村'] },
  { name: '老军乡', villages: ['老军村', '硖口村', '羊虎沟村', '焦湾村', '丰城村'] },
  { name: '李桥乡', villages: ['李桥村', '吴宁村', '上河村', '下河村', '红寺湖村'] },
] as const;

export interface RegionSeed {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  lon: number;
  lat: number;
  boundary: { type: 'Polygon'; coordinates: [number, number][][] };
}

interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

const COUNTY_BOX: Box = { west: 100.68, south: 38.58, east: 101.48, north: 38.98 };

function ring(b: Box): [number, number][][] {
  const r = (n: number): number => Math.round(n * 1e5) / 1e5;
  return [
    [
      [r(b.west), r(b.south)],
      [r(b.east), r(b.south)],
      [r(b.east), r(b.north)],
      [r(b.west), r(b.north)],
      [r(b.west), r(b.south)],
    ],
  ];
}

function centre(b: Box): { lon: number; lat: number } {
  return { lon: (b.west + b.east) / 2, lat: (b.south + b.north) / 2 };
}

/** Splits a box into n columns (or rows when tall). */
function split(b: Box, n: number): Box[] {
  const wide = b.east - b.west >= (b.north - b.south) * 1.2;
  return Array.from({ length: n }, (_, i) =>
    wide
      ? { ...b, west: b.west + ((b.east - b.west) * i) / n, east: b.west + ((b.east - b.west) * (i + 1)) / n }
      : {
          ...b,
          south: b.south + ((b.north - b.south) * i) / n,
          north: b.south + ((b.north - b.south) * (i + 1)) / n,
        },
  );
}

/** The whole tree, parents first. Grid counts alternate 4,4,4,3 per village: 150 grids. */
export function demoRegions(): RegionSeed[] {
  const out: RegionSeed[] = [
    {
      ...COUNTY,
      level: 'county',
      parentCode: null,
      boundary: { type: 'Polygon', coordinates: ring(COUNTY_BOX) },
    },
  ];
  const rows = split(COUNTY_BOX, 2).flatMap((half) => split({ ...half }, 4));
  TOWNSHIPS.forEach((t, ti) => {
    const tBox = rows[ti];
    const tCode = `${COUNTY.code}${String(ti + 1).padStart(3, '0')}`;
    out.push({
      code: tCode,
      name: t.name,
      level: 'township',
      parentCode: COUNTY.code,
      ...centre(tBox),
      boundary: poly(tBox),
    });
    split(tBox, t.villages.length).forEach((vBox, vi) => {
      const vCode = `${tCode}${String(vi + 1).padStart(3, '0')}`;
      const vName = t.villages[vi];
      out.push({
        code: vCode,
        name: vName,
        level: 'village',
        parentCode: tCode,
        ...centre(vBox),
        boundary: poly(vBox),
      });
      const grids = (ti * 5 + vi) % 4 === 3 ? 3 : 4;
      split(vBox, grids).forEach((gBox, gi) => {
        out.push({
          code: `${vCode}${String(gi + 1).padStart(2, '0')}`,
          name: `${vName}第${gi + 1}网格`,
          level: 'grid',
          parentCode: vCode,
          ...centre(gBox),
          boundary: poly(gBox),
        });
      });
    });
  });
  return out;
}

function poly(b: Box): RegionSeed['boundary'] {
  return { type: 'Polygon', coordinates: ring(b) };
}

export interface UnitSeed {
  name: string;
  kind: UnitKind;
  phone: string;
}

export function townshipUnits(townshipName: string, index: number): UnitSeed[] {
  const short = townshipName.replace(/(镇|乡)$/, '');
  const n = String(index + 1).padStart(2, '0');
  return [
    { name: `${short}派出所`, kind: 'police_post', phone: `0936-55${n}110` },
    { name: `${townshipName}综治网格队`, kind: 'grid_team', phone: `0936-55${n}200` },
    { name: `${townshipName}综合执法队`, kind: 'department', phone: `0936-55${n}300` },
  ];
}

export const COUNTY_UNITS: UnitSeed[] = [
  { name: '县公安局指挥中心', kind: 'police_post', phone: '0936-5500110' },
  { name: '县应急管理局', kind: 'department', phone: '0936-5500119' },
  { name: '县交通运输局', kind: 'department', phone: '0936-5500122' },
];

export const DEMO_PASSWORD = 'xueliang';

export const DEMO_USERS = [
  { username: 'duty', displayName: '值班员 王芳', roles: ['duty_officer'], township: null },
  { username: 'dispatcher', displayName: '调度员 李强', roles: ['dispatcher'], township: null },
  { username: 'supervisor', displayName: '督办 张明', roles: ['supervisor'], township: null },
  { username: 'responder', displayName: '处置员 赵磊', roles: ['responder'], township: null },
  { username: 'technician', displayName: '运维 陈杰', roles: ['technician'], township: null },
  { username: 'admin', displayName: '管理员 刘洋', roles: ['admin'], township: null },
  { username: 'duty_t1', displayName: '清泉镇值班员 孙丽', roles: ['duty_officer'], township: 0 },
  { username: 'dispatcher_t1', displayName: '清泉镇调度员 周涛', roles: ['dispatcher'], township: 0 },
  { username: 'responder_t1', displayName: '清泉镇网格员 吴刚', roles: ['responder'], township: 0 },
] as const;
