'use client';

import { Axis, Chart, DARK_THEME, LIGHT_THEME, LineAnnotation, LineSeries, Position, ScaleType, Settings, AnnotationDomainType, type PartialTheme } from '@elastic/charts';
// The chart-only stylesheet: `theme_light.css` would also restyle the page's html and body fonts.
import '@elastic/charts/dist/theme_only_light.css';
import { EuiText, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo } from 'react';
import { useTimeFormat } from '@/lib/client/time';
import type { ThresholdPreview } from '@/lib/panels/watch-builder.contract';

const THEME_OVERRIDES: PartialTheme = { background: { color: 'transparent' } };

export interface ThresholdPreviewChartProps {
  preview: ThresholdPreview;
  /** One value, or the two of "between". */
  thresholds: number[];
  label: string;
}

/** The builder's preview, like Kibana's threshold form: the watched metric per window and the threshold as a line. */
export default function ThresholdPreviewChart({ preview, thresholds, label }: ThresholdPreviewChartProps) {
  const t = useTranslations('thresholdBuilder');
  const locale = useLocale();
  const time = useTimeFormat();
  const { colorMode } = useEuiTheme();
  const baseTheme = colorMode === 'DARK' ? DARK_THEME : LIGHT_THEME;
  const decimal = useMemo(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }), [locale]);
  const axisLabel = useMemo(() => time.axis(preview.from, preview.to), [time, preview.from, preview.to]);
  const timeZone = time.zone ?? 'local';
  const danger = baseTheme.colors.vizColors[1] ?? '#bd271e';
  // The threshold must stay in view even when the data is far below it (the usual case before `dd`).
  const domain = useMemo(() => {
    const values = [...preview.series.flatMap((s) => s.points.map(([, v]) => v).filter((v): v is number => v !== null)), ...thresholds];
    const max = Math.max(...values, 0);
    const min = Math.min(...values, 0);
    return { min, max: max === min ? min + 1 : max + (max - min) * 0.1 };
  }, [preview.series, thresholds]);
  return (
    <Chart size={{ height: 160 }}>
      <Settings
        baseTheme={baseTheme}
        theme={THEME_OVERRIDES}
        locale={locale}
        xDomain={{ min: preview.from, max: preview.to }}
        showLegend={preview.series.length > 1}
        ariaLabel={label}
        ariaUseDefaultSummary={false}
        ariaDescription={label}
        noResults={<EuiText size="xs" color="subdued">{t('previewEmpty', { range: '' })}</EuiText>}
      />
      <Axis id="time" position={Position.Bottom} tickFormat={(value: number) => time.format(value, 'short')} labelFormat={axisLabel} ticks={4} timeAxisLayerCount={0} />
      <Axis id="value" position={Position.Left} tickFormat={(v: number) => decimal.format(v)} ticks={3} gridLine={{ visible: true }} domain={domain} />
      {preview.series.map((series, i) => (
        <LineSeries
          key={series.key ?? 'all'}
          id={`series-${i}`}
          name={series.key ?? label}
          xScaleType={ScaleType.Time}
          yScaleType={ScaleType.Linear}
          xAccessor={0}
          yAccessors={[1]}
          timeZone={timeZone}
          data={series.points}
        />
      ))}
      <LineAnnotation
        id="threshold"
        domainType={AnnotationDomainType.YDomain}
        dataValues={thresholds.map((value) => ({ dataValue: value, details: t('thresholdLine', { value: decimal.format(value) }) }))}
        style={{ line: { stroke: danger, strokeWidth: 2, opacity: 1, dash: [4, 4] } }}
      />
    </Chart>
  );
}
