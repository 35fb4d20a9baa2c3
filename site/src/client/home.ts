// The home page's script: each dataset card carries the time of its last daily run (data-last-run);
// the card warns when that is more than STALE_AFTER_HOURS before the reader's clock.
import { stalenessWarning } from './staleness.js';

for (const card of document.querySelectorAll<HTMLElement>('[data-last-run]')) {
  const warning = stalenessWarning(card.dataset.lastRun ?? null);
  if (warning) card.querySelector('dl')?.before(warning);
}
document.body.dataset.ready = 'true';
