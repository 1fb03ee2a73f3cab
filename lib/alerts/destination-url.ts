/**
 * The receiving URL of an alert destination. It is the team admin's choice, so it may point
 * anywhere the server can reach (README, Alerts: firewall the server if that includes internal
 * services); what is refused here is what is never a chat webhook: other schemes than http(s),
 * credentials in the URL, and what the URL parser cannot read.
 */
export const MAX_DESTINATION_URL_LENGTH = 2048;

export type DestinationUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

export function checkDestinationUrl(raw: string): DestinationUrlCheck {
  const text = raw.trim();
  if (!text) return { ok: false, problem: 'give the incoming-webhook URL' };
  if (text.length > MAX_DESTINATION_URL_LENGTH) return { ok: false, problem: `a URL has at most ${MAX_DESTINATION_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: `'${text.slice(0, 100)}' is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: `only http:// and https:// URLs can receive alerts, not ${url.protocol}` };
  }
  if (url.username || url.password) return { ok: false, problem: 'a URL with a user name or password in it is refused: use the signing secret instead' };
  if (!url.hostname) return { ok: false, problem: 'the URL names no host' };
  url.hash = '';
  return { ok: true, url: url.href };
}

/**
 * The URL as lists show it. A chat webhook's path is its credential (whoever has it can post to
 * the channel), so only the origin, the first path segment and the last four characters show.
 */
export function maskDestinationUrl(href: string): string {
  try {
    const url = new URL(href);
    const rest = `${url.pathname}${url.search}`;
    const first = url.pathname.split('/')[1] ?? '';
    const shown = `/${first}`;
    if (rest.length <= shown.length + 4) return `${url.origin}${rest}`;
    return `${url.origin}${shown}/…${rest.slice(-4)}`;
  } catch {
    return '(unreadable URL)';
  }
}
