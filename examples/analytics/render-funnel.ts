/** The funnel as a fixed-width text table for a terminal, with delivered and read rates of what was sent. */
import { FUNNEL_STAGES, type FunnelRow } from './delivery-funnel';

const percent = (part: number, whole: number): string =>
  whole === 0 ? '-' : `${Math.round((part / whole) * 100)}%`;

export const renderFunnel = (rows: FunnelRow[], at: Date): string => {
  const header = ['tenant', ...FUNNEL_STAGES, 'delivered%', 'read%'];
  const body = rows.map((row) => [
    row.tenantId,
    ...FUNNEL_STAGES.map((stage) => String(row[stage])),
    percent(row.delivered, row.sent),
    percent(row.read, row.sent),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]!.length)),
  );
  // Tenant left-aligned, numbers right-aligned, so digits line up.
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [
    `Delivery funnel at ${at.toISOString()}`,
    line(header),
    ...(body.length > 0 ? body.map(line) : ['(no outbound messages yet)']),
  ].join('\n');
};
