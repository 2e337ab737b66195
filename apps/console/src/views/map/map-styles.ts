import type { FeatureLike } from 'ol/Feature';
import { Circle as CircleStyle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';

/** Colours shared with the CSS theme: calm blues for territory, signal colours only for state. */
export const COLORS = {
  online: '#3fb27f',
  offline: '#e5534b',
  unknown: '#8b98a8',
  checkpoint: '#d4a72c',
  high: '#ff4d4f',
  medium: '#fa8c16',
  low: '#e6c229',
  pick: '#4da3ff',
};

const regionStyles = {
  county: new Style({
    stroke: new Stroke({ color: '#6f93c2', width: 2.5 }),
    fill: new Fill({ color: 'rgba(30,48,72,0.55)' }),
  }),
  township: new Style({
    stroke: new Stroke({ color: '#5478a6', width: 1.5 }),
    fill: new Fill({ color: 'rgba(40,64,96,0.18)' }),
  }),
  village: new Style({ stroke: new Stroke({ color: 'rgba(110,140,180,0.45)', width: 1 }) }),
  grid: new Style({ stroke: new Stroke({ color: 'rgba(110,140,180,0.25)', width: 0.8, lineDash: [4, 4] }) }),
  focus: new Style({ stroke: new Stroke({ color: '#4da3ff', width: 3 }) }),
};

const labelCache = new Map<string, Style>();
function label(text: string, size: number): Style {
  const key = `${size}|${text}`;
  let s = labelCache.get(key);
  if (!s) {
    s = new Style({
      text: new Text({
        text,
        font: `${size}px "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif`,
        fill: new Fill({ color: 'rgba(200,215,235,0.85)' }),
        stroke: new Stroke({ color: 'rgba(10,18,28,0.9)', width: 3 }),
        overflow: true,
      }),
    });
    labelCache.set(key, s);
  }
  return s;
}

/** Detail appears as you zoom in: villages below ~60 m/px, grids below ~15 m/px. */
export function regionStyle(feature: FeatureLike, resolution: number): Style | Style[] | undefined {
  const level = feature.get('level') as keyof typeof regionStyles;
  const name = feature.get('name') as string;
  const focused = feature.get('focused') as boolean;
  const out: Style[] = [];
  if (level === 'village' && resolution > 60) return undefined;
  if (level === 'grid' && resolution > 15) return undefined;
  out.push(regionStyles[level] ?? regionStyles.grid);
  if (focused) out.push(regionStyles.focus);
  if (level === 'township' && resolution < 400 && resolution > 25) out.push(label(name, 13));
  if (level === 'village' && resolution <= 40 && resolution > 6) out.push(label(name, 11));
  return out;
}

const pointCache = new Map<string, Style>();
function dot(color: string, radius: number, strokeColor = 'rgba(10,18,28,0.9)'): Style {
  const key = `${color}|${radius}|${strokeColor}`;
  let s = pointCache.get(key);
  if (!s) {
    s = new Style({
      image: new CircleStyle({
        radius,
        fill: new Fill({ color }),
        stroke: new Stroke({ color: strokeColor, width: 1.5 }),
      }),
    });
    pointCache.set(key, s);
  }
  return s;
}

/** A cluster shows its size and turns red in proportion to the offline cameras inside it. */
export function cameraClusterStyle(feature: FeatureLike): Style {
  const members = feature.get('features') as FeatureLike[] | undefined;
  if (!members || members.length === 1) {
    const status = (members?.[0] ?? feature).get('status') as keyof typeof COLORS;
    return dot(COLORS[status] ?? COLORS.unknown, 5);
  }
  const offline = members.reduce((n, f) => n + (f.get('status') === 'offline' ? 1 : 0), 0);
  const share = offline / members.length;
  const bucket = share === 0 ? 0 : share < 0.1 ? 1 : share < 0.5 ? 2 : 3;
  const key = `cluster|${members.length}|${bucket}`;
  let s = pointCache.get(key);
  if (!s) {
    const color = [
      'rgba(63,178,127,0.85)',
      'rgba(160,170,80,0.9)',
      'rgba(230,140,60,0.9)',
      'rgba(229,83,75,0.9)',
    ][bucket];
    const radius = Math.min(24, 9 + Math.log2(members.length) * 2.2);
    s = new Style({
      image: new CircleStyle({
        radius,
        fill: new Fill({ color }),
        stroke: new Stroke({ color: 'rgba(255,255,255,0.55)', width: 1.5 }),
      }),
      text: new Text({
        text: String(members.length),
        font: 'bold 11px sans-serif',
        fill: new Fill({ color: '#0b1420' }),
      }),
    });
    pointCache.set(key, s);
  }
  return s;
}

const checkpointStyle = new Style({
  image: new RegularShape({
    points: 4,
    radius: 7,
    angle: Math.PI / 4,
    fill: new Fill({ color: COLORS.checkpoint }),
    stroke: new Stroke({ color: 'rgba(10,18,28,0.9)', width: 1.5 }),
  }),
});
export function checkpointStyleFn(): Style {
  return checkpointStyle;
}

/** Open alerts: a triangle per priority; new ones get an expanding ring for a minute. */
export function alertStyle(feature: FeatureLike): Style[] {
  const priority = (feature.get('priority') as 'high' | 'medium' | 'low') ?? 'low';
  const color = COLORS[priority];
  const key = `alert|${priority}`;
  let base = pointCache.get(key);
  if (!base) {
    base = new Style({
      image: new RegularShape({
        points: 3,
        radius: priority === 'high' ? 10 : 8,
        fill: new Fill({ color }),
        stroke: new Stroke({ color: '#0b1420', width: 1.5 }),
      }),
      zIndex: priority === 'high' ? 3 : priority === 'medium' ? 2 : 1,
    });
    pointCache.set(key, base);
  }
  const pulseUntil = feature.get('pulseUntil') as number | undefined;
  if (!pulseUntil || pulseUntil < Date.now()) return [base];
  const phase = (Date.now() % 1200) / 1200;
  const ring = new Style({
    image: new CircleStyle({
      radius: 8 + phase * 18,
      stroke: new Stroke({ color: hexAlpha(color, 1 - phase), width: 2.5 }),
    }),
  });
  return [ring, base];
}

function hexAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha.toFixed(2)})`;
}

export const pickStyle = new Style({
  image: new CircleStyle({
    radius: 8,
    fill: new Fill({ color: 'rgba(77,163,255,0.35)' }),
    stroke: new Stroke({ color: COLORS.pick, width: 2.5 }),
  }),
});
