import { Page } from '@playwright/test';

/**
 * Puts `total` findings on Market Road 2 into the signed-in chief's outbox, in the format the
 * app writes (operation as sent, plus the facts the screens use), as if recorded offline.
 * Notes are `${prefix} 0`, `${prefix} 1`, ...
 */
export async function queueFindings(page: Page, total: number, prefix: string) {
  await page.evaluate(
    ({ total, prefix }) => {
      const me = JSON.parse(localStorage.getItem('roadchief.me')!);
      const replica = JSON.parse(localStorage.getItem(`roadchief.${me.id}.replica`)!);
      const inspection = replica.screens.inspections.find((p: any) => p.road.road.id === 'market-road-2');
      const [a, b] = inspection.road.coordinates;
      const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
      const run = Math.floor(Math.random() * 0xffff);
      const uuid = (n: number, kind: number) => `0190${hex(run, 4)}-${hex(kind, 4)}-7000-8000-${hex(n, 12)}`;
      const items = [];
      for (let i = 0; i < total; i++) {
        const t = (i % 100) / 100;
        const finding = {
          id: uuid(i, 1),
          category: 'sanitation',
          note: `${prefix} ${i}`,
          lon: a[0] + (b[0] - a[0]) * t,
          lat: a[1] + (b[1] - a[1]) * t,
          off_road_confirmed: false,
          observed_at: Date.now(),
        };
        const about = { kind: 'record_finding', road_id: 'market-road-2', week: inspection.week, finding, finding_id: finding.id };
        const op = { kind: 'record_finding', road_id: 'market-road-2', week: inspection.week, finding };
        items.push({ id: uuid(i, 2), op, about, queued_at: Date.now(), rejected: null });
      }
      localStorage.setItem(`roadchief.${me.id}.outbox`, JSON.stringify({ items, photos: [] }));
    },
    { total, prefix },
  );
}
