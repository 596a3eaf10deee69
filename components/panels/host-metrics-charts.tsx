'use client';

import {
  AreaSeries,
  Axis,
  Chart,
  DARK_THEME,
  HorizontalAlignment,
  LayoutDirection,
  LIGHT_THEME,
  LineSeries,
  niceTimeFormatter,
  Position,
  ScaleType,
  Settings,
  VerticalAlignment,
  type PartialTheme,
  type TickFormatter,
} from '@elastic/charts';
// The chart-only stylesheet: `theme_light.css` would also restyle the page's html and body fonts.
import '@elastic/charts/dist/theme_only_light.css';
import './host-metrics-charts.css';
import { EuiFlexGroup, EuiFlexItem, EuiText, EuiTitle, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, type ReactNode } from 'react';
import type { HostMetrics, SeriesPoint } from '@/lib/queries/host-metrics';

// The charts sit on the panel's own background, in either colour mode.
const THEME_OVERRIDES: PartialTheme = { background: { color: 'transparent' } };
const LEGEND_BELOW = { vAlign: VerticalAlignment.Bottom, hAlign: HorizontalAlignment.Left, direction: LayoutDirection.Horizontal, floating: false };

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

  const time: TickFormatter = useMemo(() => niceTimeFormatter([metrics.from, metrics.to]), [metrics.from, metrics.to]);
  const xDomain = { min: metrics.from, max: metrics.to };
  const shown = (value: number | null, format: (v: number) => string) => (value === null ? '–' : format(value));

  const settings = (label: string, legend = false) => (
    <Settings
      baseTheme={baseTheme}
      theme={THEME_OVERRIDES}
      locale={locale}
      xDomain={xDomain}
      showLegend={legend}
      legendPosition={LEGEND_BELOW}
      ariaLabel={label}
      // The charts library's own summary is English only ("Chart type: area chart"); this one is translated.
      ariaUseDefaultSummary={false}
      ariaDescription={t('chartDescription', { chart: label })}
      noResults={<EuiText size="xs" color="subdued">{t('noPoints')}</EuiText>}
    />
  );
  // One row of times: the default two-layer time axis repeats the date under every chart.
  const timeAxis = <Axis id="time" position={Position.Bottom} tickFormat={time} ticks={4} timeAxisLayerCount={0} />;

  return (
    <div className="host-metrics-charts">
      <ChartCard id="cpu" title={t('charts.cpu')} value={shown(metrics.last.cpu, formats.percent)} pointCount={points(metrics.cpu)} last={metrics.last.cpu}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.cpu'))}
          {timeAxis}
          <Axis id="cpu-axis" position={Position.Left} tickFormat={formats.percent} domain={{ min: 0, max: 1 }} ticks={3} gridLine={{ visible: true }} />
          <AreaSeries id="cpu" name={t('charts.cpu')} xScaleType={ScaleType.Time} yScaleType={ScaleType.Linear} xAccessor={0} yAccessors={[1]} data={metrics.cpu} />
        </Chart>
      </ChartCard>
      <ChartCard id="memory" title={t('charts.memory')} value={shown(metrics.last.memory, formats.percent)} pointCount={points(metrics.memory)} last={metrics.last.memory}>
        <Chart size={{ height: 120 }}>
          {settings(t('charts.memory'))}
          {timeAxis}
          <Axis id="memory-axis" position={Position.Left} tickFormat={formats.percent} domain={{ min: 0, max: 1 }} ticks={3} gridLine={{ visible: true }} />
          <AreaSeries id="memory" name={t('charts.memory')} xScaleType={ScaleType.Time} yScaleType={ScaleType.Linear} xAccessor={0} yAccessors={[1]} data={metrics.memory} />
        </Chart>
      </ChartCard>
      <ChartCard id="load" title={t('charts.load')} value={shown(metrics.last.load1, formats.decimal)} pointCount={points(metrics.load1)} last={metrics.last.load1}>
        <Chart size={{ height: 140 }}>
          {settings(t('charts.load'), true)}
          {timeAxis}
          <Axis id="load-axis" position={Position.Left} tickFormat={formats.decimal} ticks={3} gridLine={{ visible: true }} />
          {(['load1', 'load5', 'load15'] as const).map((name) => (
            <LineSeries key={name} id={name} name={t(`charts.${name}`)} xScaleType={ScaleType.Time} yScaleType={ScaleType.Linear} xAccessor={0} yAccessors={[1]} data={metrics[name]} />
          ))}
        </Chart>
      </ChartCard>
      <ChartCard id="network" title={t('charts.network')} value={`↓ ${shown(metrics.last.netIn, formats.bytes)} ↑ ${shown(metrics.last.netOut, formats.bytes)}`} pointCount={points(metrics.netIn)} last={metrics.last.netIn}>
        <Chart size={{ height: 140 }}>
          {settings(t('charts.network'), true)}
          {timeAxis}
          <Axis id="network-axis" position={Position.Left} tickFormat={formats.bytes} ticks={3} gridLine={{ visible: true }} />
          <LineSeries id="netIn" name={t('charts.netIn')} xScaleType={ScaleType.Time} yScaleType={ScaleType.Linear} xAccessor={0} yAccessors={[1]} data={metrics.netIn} />
          <LineSeries id="netOut" name={t('charts.netOut')} xScaleType={ScaleType.Time} yScaleType={ScaleType.Linear} xAccessor={0} yAccessors={[1]} data={metrics.netOut} />
        </Chart>
      </ChartCard>
    </div>
  );
}
