import { useEffect, useRef, type ReactNode } from 'react';
import OlMap from 'ol/Map';
import View from 'ol/View';
import Feature from 'ol/Feature';
import Overlay from 'ol/Overlay';
import Point from 'ol/geom/Point';
import GeoJSON from 'ol/format/GeoJSON';
import VectorLayer from 'ol/layer/Vector';
import TileLayer from 'ol/layer/Tile';
import VectorSource from 'ol/source/Vector';
import Cluster from 'ol/source/Cluster';
import XYZ from 'ol/source/XYZ';
import { defaults as defaultControls, ScaleLine } from 'ol/control';
import { fromLonLat, toLonLat } from 'ol/proj';
import { boundingExtent, isEmpty } from 'ol/extent';
import type { AlertView, CameraView, CheckpointView, RegionView } from '@xueliang/contracts';
import { checkpointLocation } from '../../api/endpoints';
import { alertStyle, cameraClusterStyle, checkpointStyleFn, pickStyle, regionStyle } from './map-styles';

export interface MapLayers {
  regions: boolean;
  cameras: boolean;
  checkpoints: boolean;
  alerts: boolean;
}

export interface MapPopup {
  lonLat: { lon: number; lat: number };
  content: ReactNode;
}

export interface CountyMapProps {
  regions: RegionView[];
  cameras?: CameraView[];
  checkpoints?: CheckpointView[];
  alerts?: AlertView[];
  /** Alerts that arrived live: they pulse for a minute. */
  freshAlertIds?: ReadonlySet<string>;
  layers?: MapLayers;
  focusRegionId?: string | null;
  /** Centre the view here (a deep link to one camera). */
  center?: { lon: number; lat: number } | null;
  tileUrl?: string;
  popup?: MapPopup | null;
  pick?: { lon: number; lat: number } | null;
  onCameraClick?(camera: CameraView): void;
  onCheckpointClick?(checkpoint: CheckpointView): void;
  onAlertClick?(alert: AlertView): void;
  onMapClick?(lonLat: { lon: number; lat: number }): void;
  className?: string;
}

const ALL_LAYERS: MapLayers = { regions: true, cameras: true, checkpoints: true, alerts: true };
const PULSE_MS = 60_000;

interface Handles {
  map: OlMap;
  regions: VectorSource;
  cameras: VectorSource;
  checkpoints: VectorSource;
  alerts: VectorSource;
  pick: VectorSource;
  layers: Record<keyof MapLayers, VectorLayer>;
  tiles: TileLayer;
  overlay: Overlay;
  cameraFeatures: Map<string, Feature<Point>>;
}

/**
 * The one map. Drawn entirely from our own data (region boundaries as the base), so it works on
 * a private video network; a tile server is only an optional layer underneath.
 */
export function CountyMap(props: CountyMapProps) {
  const target = useRef<HTMLDivElement>(null);
  const popupEl = useRef<HTMLDivElement>(null);
  const handles = useRef<Handles | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const fittedOnce = useRef(false);

  useEffect(() => {
    const regions = new VectorSource();
    const cameras = new VectorSource();
    const checkpoints = new VectorSource();
    const alerts = new VectorSource();
    const pick = new VectorSource();
    const cluster = new Cluster({ source: cameras, distance: 36, minDistance: 12 });
    const layers = {
      regions: new VectorLayer({ source: regions, style: regionStyle, updateWhileInteracting: false }),
      cameras: new VectorLayer({ source: cluster, style: cameraClusterStyle, zIndex: 3 }),
      checkpoints: new VectorLayer({ source: checkpoints, style: checkpointStyleFn, zIndex: 4 }),
      alerts: new VectorLayer({ source: alerts, style: alertStyle, zIndex: 5 }),
    };
    const tiles = new TileLayer({ visible: false });
    const overlay = new Overlay({
      element: popupEl.current!,
      positioning: 'bottom-center',
      offset: [0, -14],
      autoPan: { animation: { duration: 200 } },
    });
    const map = new OlMap({
      target: target.current!,
      layers: [
        tiles,
        layers.regions,
        layers.cameras,
        layers.checkpoints,
        layers.alerts,
        new VectorLayer({ source: pick, style: pickStyle, zIndex: 6 }),
      ],
      overlays: [overlay],
      controls: defaultControls({ attribution: false, rotate: false }).extend([new ScaleLine()]),
      view: new View({ center: fromLonLat([101.08, 38.78]), zoom: 10, maxZoom: 20 }),
    });
    map.on('singleclick', (evt) => {
      const p = propsRef.current;
      let handled = false;
      map.forEachFeatureAtPixel(
        evt.pixel,
        (feature, layer) => {
          if (layer === layers.alerts) {
            const alert = feature.get('alert') as AlertView;
            p.onAlertClick?.(alert);
            return (handled = true);
          }
          if (layer === layers.checkpoints) {
            p.onCheckpointClick?.(feature.get('checkpoint') as CheckpointView);
            return (handled = true);
          }
          if (layer === layers.cameras) {
            const members = feature.get('features') as Feature<Point>[];
            if (members.length === 1) p.onCameraClick?.(members[0].get('camera') as CameraView);
            else {
              const extent = boundingExtent(members.map((m) => m.getGeometry()!.getCoordinates()));
              map.getView().fit(extent, { duration: 250, padding: [60, 60, 60, 60], maxZoom: 18 });
            }
            return (handled = true);
          }
          return false;
        },
        { hitTolerance: 4 },
      );
      if (!handled) {
        const [lon, lat] = toLonLat(evt.coordinate);
        p.onMapClick?.({ lon, lat });
      }
    });
    map.on('pointermove', (evt) => {
      if (evt.dragging) return;
      const hit = map.hasFeatureAtPixel(evt.pixel, {
        layerFilter: (l) => l === layers.cameras || l === layers.alerts || l === layers.checkpoints,
      });
      const el = map.getTargetElement();
      if (el) el.style.cursor = hit ? 'pointer' : '';
    });
    // A popup that grows after it opened (video starts, a snapshot arrives) is panned back into view.
    const resize = new ResizeObserver(() => {
      if (overlay.getPosition()) overlay.panIntoView({ animation: { duration: 150 }, margin: 16 });
    });
    resize.observe(popupEl.current!);
    handles.current = {
      map,
      regions,
      cameras,
      checkpoints,
      alerts,
      pick,
      layers,
      tiles,
      overlay,
      cameraFeatures: new Map(),
    };
    return () => {
      resize.disconnect();
      map.setTarget(undefined);
      handles.current = null;
    };
  }, []);

  // Region boundaries: the base map.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const format = new GeoJSON();
    const features = props.regions
      .filter((r) => r.boundary)
      .map((r) => {
        const f = format.readFeature(
          { type: 'Feature', geometry: r.boundary, properties: { name: r.name, level: r.level } },
          { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' },
        ) as Feature;
        f.setId(r.id);
        return f;
      });
    h.regions.clear(true);
    h.regions.addFeatures(features);
    if (!fittedOnce.current && features.length) {
      fittedOnce.current = true;
      const extent = h.regions.getExtent();
      if (extent && !isEmpty(extent)) h.map.getView().fit(extent, { padding: [30, 30, 30, 30] });
    }
  }, [props.regions]);

  // Cameras: diffed by id so a status change does not rebuild 5,000 features.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const seen = new Set<string>();
    const added: Feature<Point>[] = [];
    for (const c of props.cameras ?? []) {
      if (!c.location) continue;
      seen.add(c.id);
      const existing = h.cameraFeatures.get(c.id);
      if (existing) {
        if (existing.get('camera') !== c) {
          existing.setProperties({ camera: c, status: c.status }, true);
          existing.getGeometry()!.setCoordinates(fromLonLat([c.location.lon, c.location.lat]));
        }
      } else {
        const f = new Feature({ geometry: new Point(fromLonLat([c.location.lon, c.location.lat])) });
        f.setProperties({ camera: c, status: c.status }, true);
        h.cameraFeatures.set(c.id, f);
        added.push(f);
      }
    }
    for (const [id, f] of h.cameraFeatures) {
      if (!seen.has(id)) {
        h.cameras.removeFeature(f);
        h.cameraFeatures.delete(id);
      }
    }
    if (added.length) h.cameras.addFeatures(added);
    h.cameras.changed();
    target.current?.setAttribute('data-cameras', String(h.cameraFeatures.size));
    target.current?.setAttribute(
      'data-cameras-offline',
      String((props.cameras ?? []).filter((c) => c.status === 'offline').length),
    );
  }, [props.cameras]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.checkpoints.clear(true);
    h.checkpoints.addFeatures(
      (props.checkpoints ?? []).flatMap((c) => {
        const loc = checkpointLocation(c);
        if (!loc) return [];
        const f = new Feature({ geometry: new Point(fromLonLat([loc.lon, loc.lat])) });
        f.set('checkpoint', c, true);
        return [f];
      }),
    );
  }, [props.checkpoints]);

  // Alerts sit where they happened, or at their camera.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const camById = new Map((props.cameras ?? []).map((c) => [c.id, c]));
    const now = Date.now();
    h.alerts.clear(true);
    const features = (props.alerts ?? []).flatMap((a) => {
      const loc = a.location ?? (a.cameraId ? camById.get(a.cameraId)?.location : null);
      if (!loc) return [];
      const f = new Feature({ geometry: new Point(fromLonLat([loc.lon, loc.lat])) });
      f.setProperties(
        {
          alert: a,
          priority: a.priority,
          pulseUntil: props.freshAlertIds?.has(a.id) ? now + PULSE_MS : undefined,
        },
        true,
      );
      return [f];
    });
    h.alerts.addFeatures(features);
    target.current?.setAttribute('data-alerts', String(features.length));
    if (!features.some((f) => f.get('pulseUntil'))) return;
    let frame = 0;
    const animate = () => {
      h.layers.alerts.changed();
      if (Date.now() < now + PULSE_MS) frame = requestAnimationFrame(animate);
    };
    frame = requestAnimationFrame(animate);
    return () => cancelAnimationFrame(frame);
  }, [props.alerts, props.cameras, props.freshAlertIds]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    const l = props.layers ?? ALL_LAYERS;
    (Object.keys(h.layers) as (keyof MapLayers)[]).forEach((k) => h.layers[k].setVisible(l[k]));
  }, [props.layers]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.tiles.setSource(props.tileUrl ? new XYZ({ url: props.tileUrl, crossOrigin: 'anonymous' }) : null);
    h.tiles.setVisible(!!props.tileUrl);
  }, [props.tileUrl]);

  // Jump to a region: fit the view to its boundary and outline it.
  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.regions.forEachFeature((f) => f.set('focused', f.getId() === props.focusRegionId, true));
    h.regions.changed();
    if (!props.focusRegionId) return;
    const f = h.regions.getFeatureById(props.focusRegionId);
    const geom = f?.getGeometry();
    if (geom) h.map.getView().fit(geom.getExtent(), { duration: 300, padding: [40, 40, 40, 40] });
  }, [props.focusRegionId, props.regions]);

  // Keyed by the point's value: a re-render with an equal point must not yank the view back.
  const centerKey = props.center ? `${props.center.lon},${props.center.lat}` : '';
  useEffect(() => {
    const h = handles.current;
    if (!h || !props.center) return;
    const view = h.map.getView();
    view.animate({
      center: fromLonLat([props.center.lon, props.center.lat]),
      zoom: Math.max(view.getZoom() ?? 10, 14),
      duration: 300,
    });
  }, [centerKey]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.overlay.setPosition(
      props.popup ? fromLonLat([props.popup.lonLat.lon, props.popup.lonLat.lat]) : undefined,
    );
  }, [props.popup]);

  useEffect(() => {
    const h = handles.current;
    if (!h) return;
    h.pick.clear(true);
    if (props.pick)
      h.pick.addFeature(new Feature({ geometry: new Point(fromLonLat([props.pick.lon, props.pick.lat])) }));
  }, [props.pick]);

  return (
    <div className={`county-map ${props.className ?? ''}`}>
      <div ref={target} className="map-target" data-testid="map-canvas" data-regions={props.regions.length} />
      <div ref={popupEl} className="map-popup" data-testid="map-popup">
        {props.popup?.content}
      </div>
    </div>
  );
}
