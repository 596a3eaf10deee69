'use client';

import {
  AreaSeries,
  Axis,
  Chart,
  DARK_THEME,
  LIGHT_THEME,
  LineSeries,
  Position,
  ScaleType,
  Settings,
  type PartialTheme,
} from '@elastic/charts';
// The chart-only stylesheet: `theme_light.css` would also restyle the page's html and body fonts.
import '@elastic/charts/dist/theme_only_light.css';
import './host-metrics-charts.css';
import { EuiFlexGroup, EuiFlexItem, EuiText, EuiTitle, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, type ReactNode } from 'react';
import { useTimeFormat } from '@/lib/client/time';
import type { HostMetrics, SeriesPoint } from '@/lib/panels/host-metrics.contract';

// The charts sit on the panel's own background, in either colour mode.
const THEME_OVERRIDES: PartialTheme = { background: { color: 'transparent' } };

export interface HostMetricsChartsProps {
  metrics: HostMetrics;
}

function points(series: SeriesPoint[]): number {
  return series.filter(([, v]) => v !== null).length;
}

interface ChartCardProps {
  id: string;
  title: string;
  value: string;
  pointCount: number;
  last: number | null;
  children: ReactNode;
}

interface LegendItem {
  id: string;
  label: string;
  color: string;
  value: string;
}

/**
 * The series of a chart with their colours and newest values, in the page rather than the chart:
 * it wraps onto more lines on a narrow screen, where the chart's own legend cut series off.
 */
function SeriesLegend({ id, items }: { id: string; items: LegendItem[] }) {
  return (
    <ul className="host-metrics-legend" data-testid={`host-metrics-legend-${id}`}>
      {items.map((item) => (
        <li key={item.id} data-series={item.id}>
          <span className="host-metrics-legend__swatch" style={{ backgroundColor: item.color }} aria-hidden />
          <span>{item.label}</span> <strong>{item.value}</strong>
        </li>
      ))}
    </ul>
  );
}

function ChartCard({ id, title, value, pointCount, last, children }: ChartCardProps) {
  return (
    <div className="host-metrics-chart" data-testid={`host-metrics-chart-${id}`} data-points={pointCount} data-last={last ?? ''}>
      <EuiFlexGroup gutterSize="s" alignItems="baseline" justifyContent="spaceBetween" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiTitle size="xxxs">
            <h5>{title}</h5>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiText size="xs">
            <strong>{value}</strong>
          </EuiText>
        </EuiFlexItem>
      </EuiFlexGroup>
      <div className="host-metrics-chart__canvas">{children}</div>
    </div>
  );
}

/** The four charts of the panel (like Kibana's host page): CPU, memory, load and network traffic. */
export default function HostMetricsCharts({ metrics }: HostMetricsChartsProps) {
  const t = useTranslations('hostMetrics');
  const locale = useLocale();
  const { colorMode } = useEuiTheme();
  const baseTheme = colorMode === 'DARK' ? DARK_THEME : LIGHT_THEME;

  const formats = useMemo(() => {
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const bytes = (value: number) => {
      const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
      let unit = 0;
      let scaled = value;
      while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
        scaled /= 1024;
        unit += 1;
      }
      return `${decimal.format(scaled)} ${units[unit]}`;
    };
    return { percent: (v: number) => percent.format(v), decimal: (v: number) => decimal.format(v), bytes };
  }, [locale]);

  const time = useTimeFormat();
  const axisLabel = useMemo(() => time.axis(metrics.from, metrics.to), [time, metrics.from, metrics.to]);
  // Every series on the viewer's clock: ticks fall on their whole minutes, labels and tooltips read in it.
  const timeZone = time.zone ?? 'local';
  const xDomain = { min: metrics.from, max: metrics.to };
  const shown = (value: number | null, format: (v: number) => string) => (value === null ? '–' : format(value));
  const colors = baseTheme.colors.vizColors;
  const series = { xScaleType: ScaleType.Time, yScaleType: ScaleType.Linear, xAccessor: 0, yAccessors: [1], timeZone };

  const settings = (label: string) => (
    <Settings
      baseTheme={baseTheme}
      theme={THEME_OVERRIDES}
      locale={locale}
      xDomain={xDomain}
      showLegend={false}
      ariaLabel={label}
      // The charts library's own summary is English only ("Chart type: area chart"); this one is translated.
      ariaUseDefaultSummary={false}
      ariaDescription={t('chartDescription', { chart: label })}
      noResults={<EuiText size="xs" color="subdued">{t('noPoints')}</EuiText>}
    />
  );
  // One row of times (the default two-layer time axis repeats the date under every chart); the
  // tooltip names the bucket to the second.
  const timeAxis = (
    <Axis id="time" position={Position.Bottom} tickFormat={(value: number) => time.format(value, 'medium')} labelFormat={axisLabel} ticks={4} timeAxisLayerCount={0} />
  );
  const loads = (['load1', 'load5', 'load15'] as const).map((name, i) => ({ id: name, label: t(`charts.${name}`), color: colors[i % colors.length]!, value: shown(metrics.last[name], formats.decimal) }));
  const traffic = (['netIn', 'netOut'] as const).map((name, i) => ({ id: name, label: t(`charts.${name}`), color: colors[i % colors.length]!, value: shown(metrics.last[name], formats.bytes) }));

  return (
    <div className="host-metrics-charts">
      <ChartCard id="cpu" title={t('charts.cpu')} value={shown(metrics.last.cpu, formats.percent)} pointCount={points(metrics.cpu)} last={metrics.last.cpu}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.cpu'))}
          {timeAxis}
          <Axis id="cpu-axis" position={Position.Left} tickFormat={formats.percent} domain={{ min: 0, max: 1 }} ticks={3} gridLine={{ visible: true }} />
          <AreaSeries id="cpu" name={t('charts.cpu')} {...series} data={metrics.cpu} />
        </Chart>
      </ChartCard>
      <ChartCard id="memory" title={t('charts.memory')} value={shown(metrics.last.memory, formats.percent)} pointCount={points(metrics.memory)} last={metrics.last.memory}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.memory'))}
          {timeAxis}
          <Axis id="memory-axis" position={Position.Left} tickFormat={formats.percent} domain={{ min: 0, max: 1 }} ticks={3} gridLine={{ visible: true }} />
          <AreaSeries id="memory" name={t('charts.memory')} {...series} data={metrics.memory} />
        </Chart>
      </ChartCard>
      <ChartCard id="load" title={t('charts.load')} value={shown(metrics.last.load1, formats.decimal)} pointCount={points(metrics.load1)} last={metrics.last.load1}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.load'))}
          {timeAxis}
          <Axis id="load-axis" position={Position.Left} tickFormat={formats.decimal} ticks={3} gridLine={{ visible: true }} />
          {loads.map((item) => (
            <LineSeries key={item.id} id={item.id} name={item.label} color={item.color} {...series} data={metrics[item.id]} />
          ))}
        </Chart>
        <SeriesLegend id="load" items={loads} />
      </ChartCard>
      <ChartCard id="network" title={t('charts.network')} value={`↓ ${shown(metrics.last.netIn, formats.bytes)} ↑ ${shown(metrics.last.netOut, formats.bytes)}`} pointCount={points(metrics.netIn)} last={metrics.last.netIn}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.network'))}
          {timeAxis}
          <Axis id="network-axis" position={Position.Left} tickFormat={formats.bytes} ticks={3} gridLine={{ visible: true }} />
          {traffic.map((item) => (
            <LineSeries key={item.id} id={item.id} name={item.label} color={item.color} {...series} data={metrics[item.id]} />
          ))}
        </Chart>
        <SeriesLegend id="network" items={traffic} />
      </ChartCard>
    </div>
  );
}
