// The notice on a failing dataset's pages: the site build could not read its files (an invalid
// dataset.yml, a corrupt feature group, model or monitoring file). Pure: strings in, HTML out.
import { type Html, html } from './html.js';

export function failingNotice(message: string): Html {
  return html`<p class="failure" id="failing" role="alert"><strong>This dataset is failing:</strong> ${message}</p>
<p>The other datasets are up to date. Fix the file named above and the next run picks this one up again; until then its predictor and dashboard are not built.</p>`;
}
