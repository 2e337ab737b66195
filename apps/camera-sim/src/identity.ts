/** Deterministic identities so a seed always yields the same fleet (names, serials, positions). */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shandan county's townships: the sources' example county, so names look like the real register. */
const TOWNSHIPS = ['清泉镇', '位奇镇', '霍城镇', '陈户镇', '大马营镇', '东乐镇', '老军乡', '李桥乡'];
const PLACES = [
  '南关路口',
  '北街广场',
  '中学门口',
  '农贸市场',
  '村委会',
  '卫生院',
  '桥头',
  '加油站',
  '汽车站',
  '十字路口',
];
/** Shandan county seat; cameras scatter within about ±25 km of it. */
const CENTRE = { lat: 38.784, lon: 101.088 };

export interface CameraIdentity {
  index: number;
  /** Stable id used in URLs and the control API: cam-001 … */
  id: string;
  /** Short ASCII label burnt into the video (no CJK font on most hosts). */
  label: string;
  name: string;
  township: string;
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  /** MAC-like hardware id, locally administered range. */
  hardwareId: string;
  /** WS-Discovery endpoint reference (urn:uuid:…). */
  uuid: string;
  location: { lat: number; lon: number };
  ptz: boolean;
  codec: 'h264' | 'h265';
}

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

export function makeIdentity(
  index: number,
  opts: { seed: number; namePrefix: string; ptz: boolean; codec: 'h264' | 'h265' },
): CameraIdentity {
  const rnd = mulberry32(opts.seed * 100_003 + index * 7919 + 1);
  const byte = (): number => Math.floor(rnd() * 256);
  const n = index + 1;
  const id = `cam-${String(n).padStart(3, '0')}`;
  const township = TOWNSHIPS[Math.floor(rnd() * TOWNSHIPS.length)];
  const place = PLACES[Math.floor(rnd() * PLACES.length)];
  const uuidBytes = Array.from({ length: 16 }, byte);
  uuidBytes[6] = (uuidBytes[6] & 0x0f) | 0x40;
  uuidBytes[8] = (uuidBytes[8] & 0x3f) | 0x80;
  const u = uuidBytes.map((b) => hex(b, 2)).join('');
  return {
    index,
    id,
    label: `${opts.namePrefix}${id.toUpperCase()}`,
    name: `${opts.namePrefix}${township}${place}-${String(n).padStart(3, '0')}`,
    township,
    manufacturer: 'Xueliang-Sim',
    model: opts.ptz ? 'XL-SD4215-PTZ' : 'XL-IPC2231-B',
    firmwareVersion: 'V5.6.3 build 241120',
    serialNumber: `XL${opts.ptz ? 'SD' : 'IPC'}${hex(Math.floor(rnd() * 0xffffffff), 8).toUpperCase()}${String(n).padStart(4, '0')}`,
    hardwareId: ['02', '58', '4c', hex(byte(), 2), hex(byte(), 2), hex(n & 0xff, 2)].join(':'),
    uuid: `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`,
    location: {
      lat: Number((CENTRE.lat + (rnd() - 0.5) * 0.45).toFixed(6)),
      lon: Number((CENTRE.lon + (rnd() - 0.5) * 0.6).toFixed(6)),
    },
    ptz: opts.ptz,
    codec: opts.codec,
  };
}
