/**
 * @module Charts drawn on the server as SVG (no script, no library): a line chart of daily series
 * and a bar chart of named values, each with its numbers as a table for screen readers and for
 * anyone who wants the figures.
 */
import type { FC } from 'hono/jsx';

export interface Series {
  name: string;
  /** One value per label, in order; null where nothing was recorded (the line breaks there). */
  values: readonly (number | null)[];
}

/** The palette: distinguishable, ≥ 3:1 against white, in this order (the legend's `.s0`… classes match). */
export const SERIES_COLOURS = ['#0f6b5c', '#b54708', '#3e4784', '#b42318', '#4a5563'] as const;

/** A round upper bound for the axis and its ticks: 0, step, 2·step… ≥ max (at least 1). */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { top: ticks, step: 1 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const whole = Math.max(1, Math.ceil(step));
  return { top: whole * Math.ceil(max / whole), step: whole };
}

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 64;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;

/**
 * The points of one series in chart coordinates, as SVG `points` attributes: one run of points per
 * stretch of recorded values (a null breaks the line).
 */
export function polylinePoints(values: readonly (number | null)[], top: number): string[] {
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const dx = values.length > 1 ? plotW / (values.length - 1) : 0;
  const runs: string[][] = [];
  let run: string[] | null = null;
  values.forEach((v, i) => {
    if (v === null) {
      run = null;
      return;
    }
    if (!run) {
      run = [];
      runs.push(run);
    }
    const x = LEFT + (values.length > 1 ? i * dx : plotW / 2);
    const y = TOP + plotH - (top === 0 ? 0 : (v / top) * plotH);
    run.push(`${round(x)},${round(y)}`);
  });
  return runs.map((r) => r.join(' '));
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Labels shown under the x axis: the first, the last and a few evenly between. */
export function axisLabelIndexes(count: number, most = 5): number[] {
  if (count <= most) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>();
  for (let k = 0; k < most; k++) picked.add(Math.round((k * (count - 1)) / (most - 1)));
  return [...picked];
}

export const LineChart: FC<{
  id: string;
  title: string;
  labels: readonly string[];
  series: readonly Series[];
  /** Formats a value for the axis and the table (e.g. money). */
  format?: (value: number) => string;
}> = ({ id, title, labels, series, format = (v) => v.toLocaleString('en') }) => {
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { top, step } = niceScale(max);
  const plotH = HEIGHT - TOP - BOTTOM;
  const plotW = WIDTH - LEFT - RIGHT;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const dx = labels.length > 1 ? plotW / (labels.length - 1) : 0;
  return (
    <figure class="chart" id={id}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title`}
        data-series={series.map((s) => s.name).join('|')}
      >
        <title id={`${id}-title`}>{title}</title>
        {ticks.map((v) => {
          const y = round(TOP + plotH - (v / top) * plotH);
          return (
            <g>
              <line x1={LEFT} x2={WIDTH - RIGHT} y1={y} y2={y} class="grid" />
              <text x={LEFT - 6} y={y + 4} text-anchor="end" class="tick">
                {format(v)}
              </text>
            </g>
          );
        })}
        {axisLabelIndexes(labels.length).map((i) => (
          <text
            x={round(LEFT + (labels.length > 1 ? i * dx : plotW / 2))}
            y={HEIGHT - 8}
            text-anchor="middle"
            class="tick"
          >
            {labels[i]}
          </text>
        ))}
        {series.flatMap((s, i) =>
          polylinePoints(s.values, top).map((points) =>
            points.includes(' ') ? (
              <polyline
                points={points}
                fill="none"
                stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]}
                stroke-width="2.5"
                data-name={s.name}
              />
            ) : (
              <circle
                cx={points.split(',')[0]}
                cy={points.split(',')[1]}
                r="3"
                fill={SERIES_COLOURS[i % SERIES_COLOURS.length]}
                data-name={s.name}
              />
            ),
          ),
        )}
      </svg>
      {series.length > 1 ? (
        <ul class="legend">
          {series.map((s, i) => (
            <li>
              <span class={`swatch s${i % SERIES_COLOURS.length}`} />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>The figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((s) => (
                <th scope="col">{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, row) => (
              <tr>
                <th scope="row">{label}</th>
                {series.map((s) => {
                  const v = s.values[row];
                  return <td>{v === null || v === undefined ? '—' : format(v)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};

/** Horizontal bars, longest first as given, each labelled with its value. */
export const BarChart: FC<{
  id: string;
  title: string;
  bars: readonly { label: string; value: number }[];
  format?: (value: number) => string;
}> = ({ id, title, bars, format = (v) => v.toLocaleString('en') }) => {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const row = 26;
  const labelW = 200;
  const barW = WIDTH - labelW - 80;
  const height = Math.max(row, bars.length * row) + 8;
  return (
    <figure class="chart" id={id}>
      <figcaption>{title}</figcaption>
      {bars.length === 0 ? (
        <p class="muted">Nothing to show for this period.</p>
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title`}>
          <title id={`${id}-title`}>{title}</title>
          {bars.map((b, i) => {
            const w = max === 0 ? 0 : round((b.value / max) * barW);
            const y = 4 + i * row;
            return (
              <g>
                <text x={labelW - 8} y={y + 16} text-anchor="end" class="tick">
                  {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
                </text>
                <rect
                  x={labelW}
                  y={y + 3}
                  width={w}
                  height={row - 8}
                  rx="3"
                  fill={SERIES_COLOURS[0]}
                  data-value={b.value}
                />
                <text x={labelW + w + 6} y={y + 16} class="tick">
                  {format(b.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
};
