'use client';

import { AreaSeries, Axis, Chart, DARK_THEME, LIGHT_THEME, LineSeries, Position, RectAnnotation, ScaleType, Settings, type PartialTheme, type BrushEndListener } from '@elastic/charts';
// The chart-only stylesheet: `theme_light.css` would also restyle the page's html and body fonts.
import '@elastic/charts/dist/theme_only_light.css';
import './host-metrics-charts.css';
import { EuiText, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { useTimeFormat } from '@/lib/client/time';
import { SEVERITIES, SEVERITY_COLOURS, type AnomalyRecord, type SeriesPoint } from '@/lib/panels/ml-anomalies.contract';

const THEME_OVERRIDES: PartialTheme = { background: { color: 'transparent' } };

export interface MlAnomaliesChartProps {
  series: SeriesPoint[];
  overview: SeriesPoint[];
  anomalies: AnomalyRecord[];
  view: { from: number; to: number };
  range: { from: number; to: number };
  onBrush(from: number, to: number): void;
}

/**
 * The Single Metric Viewer's two charts: the focus chart (actual per bucket as a line, the model's
 * bounds as a band, anomaly markers coloured by Kibana's severity bands) and the overview below
 * it, on which a dragged range becomes the focus (Kibana's brush).
 */
export default function MlAnomaliesChart({ series, overview, anomalies, view, range, onBrush }: MlAnomaliesChartProps) {
  const t = useTranslations('ml.panel');
  const locale = useLocale();
  const { colorMode } = useEuiTheme();
  const baseTheme = colorMode === 'DARK' ? DARK_THEME : LIGHT_THEME;
  const time = useTimeFormat();
  const timeZone = time.zone ?? 'local';
  const number = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }), [locale]);
  const focusLabel = useMemo(() => time.axis(view.from, view.to), [time, view.from, view.to]);
  const overviewLabel = useMemo(() => time.axis(range.from, range.to), [time, range.from, range.to]);
  const bounds = series.filter((p) => p.lower !== null && p.upper !== null);
  const actual = series.filter((p) => p.actual !== null);
  const markers = SEVERITIES.map((severity) => ({ severity, points: anomalies.filter((a) => a.severity === severity && a.actual !== null) })).filter((group) => group.points.length > 0);
  const markerCount = markers.reduce((sum, group) => sum + group.points.length, 0);
  const brushed: BrushEndListener = (event) => {
    const [from, to] = ('x' in event && Array.isArray(event.x) ? event.x : []) as number[];
    if (typeof from === 'number' && typeof to === 'number' && to > from) onBrush(Math.round(from), Math.round(to));
  };
  const common = { xScaleType: ScaleType.Time, yScaleType: ScaleType.Linear, timeZone, xAccessor: 't' };

  return (
    <div className="ml-anomalies-charts">
      <div data-testid="ml-anomalies-chart" data-points={actual.length} data-bounds={bounds.length} data-markers={markerCount} data-from={view.from} data-to={view.to}>
        <Chart size={{ height: 200 }}>
          <Settings
            baseTheme={baseTheme}
            theme={THEME_OVERRIDES}
            locale={locale}
            xDomain={{ min: view.from, max: view.to }}
            showLegend={false}
            ariaLabel={t('focusChart')}
            ariaUseDefaultSummary={false}
            ariaDescription={t('focusDescription')}
            onBrushEnd={brushed}
            noResults={<EuiText size="xs" color="subdued">{t('noPoints')}</EuiText>}
          />
          <Axis id="time" position={Position.Bottom} tickFormat={(value: number) => time.format(value, 'shortDateTime')} labelFormat={focusLabel} ticks={5} timeAxisLayerCount={0} />
          <Axis id="count" position={Position.Left} tickFormat={(value: number) => number.format(value)} ticks={4} gridLine={{ visible: true }} />
          <AreaSeries
            id="bounds"
            name={t('bounds')}
            {...common}
            data={bounds}
            yAccessors={['upper']}
            y0Accessors={['lower']}
            color={colorMode === 'DARK' ? '#3d6f9e' : '#c0d8f0'}
            areaSeriesStyle={{ area: { opacity: 0.6 }, line: { visible: false } }}
          />
          <LineSeries id="actual" name={t('actual')} {...common} data={actual} yAccessors={['actual']} color={colorMode === 'DARK' ? '#79aad9' : '#006bb8'} lineSeriesStyle={{ line: { strokeWidth: 1.2 }, point: { visible: 'never' } }} />
          {markers.map(({ severity, points }) => (
            <LineSeries
              key={severity}
              id={`anomalies-${severity}`}
              name={t(`severity.${severity}`)}
              xScaleType={ScaleType.Time}
              yScaleType={ScaleType.Linear}
              timeZone={timeZone}
              xAccessor="timestamp"
              yAccessors={['actual']}
              data={points}
              color={SEVERITY_COLOURS[severity]}
              lineSeriesStyle={{ line: { visible: false }, point: { visible: 'always', radius: 5, fill: SEVERITY_COLOURS[severity], stroke: '#343741', strokeWidth: 1 } }}
            />
          ))}
        </Chart>
      </div>
      <div data-testid="ml-anomalies-overview" data-points={overview.length}>
        <Chart size={{ height: 70 }}>
          <Settings
            baseTheme={baseTheme}
            theme={THEME_OVERRIDES}
            locale={locale}
            xDomain={{ min: range.from, max: range.to }}
            showLegend={false}
            ariaLabel={t('overviewChart')}
            ariaUseDefaultSummary={false}
            ariaDescription={t('overviewDescription')}
            onBrushEnd={brushed}
          />
          <Axis id="overview-time" position={Position.Bottom} tickFormat={(value: number) => time.format(value, 'shortDateTime')} labelFormat={overviewLabel} ticks={4} timeAxisLayerCount={0} />
          <RectAnnotation id="focus" dataValues={[{ coordinates: { x0: view.from, x1: view.to } }]} style={{ fill: colorMode === 'DARK' ? '#ffffff' : '#000000', opacity: 0.08 }} />
          <AreaSeries id="overview" name={t('actual')} {...common} data={overview.filter((p) => p.actual !== null)} yAccessors={['actual']} color={colorMode === 'DARK' ? '#79aad9' : '#6092c0'} />
        </Chart>
      </div>
    </div>
  );
}
