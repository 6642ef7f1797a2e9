import { readFileSync } from 'node:fs';
import { VERSION } from '../version.js';

/** Where a site's webmaster learns what manba is: package.json's homepage, else its npm page. */
const PROJECT_URL: string =
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { homepage?: string }).homepage ?? 'https://www.npmjs.com/package/manba';

/** manba's user agent, as robots.txt and server logs see it: `manba/<version> (+<project URL>)`. */
export const USER_AGENT = `manba/${VERSION} (+${PROJECT_URL})`;
