// The page's two ways out, both through the gateway: the REST service (on the
// page's own origin, an app's port that passes /api/ to the backend, so no
// CORS) and the WebSockets (one port per app, on this page's host so that the
// social app's session cookie goes along).

export async function api(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status line says enough
  }
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${json?.detail ?? json?.error ?? ''}`.trim());
  return json;
}

// Why a socket closed, in words a person can act on. Browsers hide a refused
// upgrade's HTTP status: it shows as 1006.
function closeText(code, reason) {
  if (code === 1006) return 'closed (1006): refused or unreachable; the gateway log says why (a 401/403 upgrade, an Origin not in allowed_origins)';
  return `closed (${code}${reason ? `: ${reason}` : ''})`;
}

// A JSON WebSocket bound to a card: frames go to onFrame, the card shows the state.
export class Socket {
  constructor(url, card, onFrame, label = '') {
    this.card = card;
    this.label = label;
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener('open', resolve, { once: true });
      this.ws.addEventListener('close', (e) => reject(new Error(closeText(e.code, e.reason))), { once: true });
    });
    this.opened.catch(() => {});  // the close handler below reports it
    this.ws.addEventListener('message', (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return card.log('error', `${label}not JSON: ${String(e.data).slice(0, 80)}`);
      }
      try {
        onFrame(frame);
      } catch (err) {
        card.log('error', `${label}${err.message}`);
      }
    });
    this.ws.addEventListener('close', (e) => {
      card.state(e.code === 1000 ? 'closed' : 'failed', `${label}${closeText(e.code, e.reason)}`);
      card.log('system', `${label}${closeText(e.code, e.reason)}`);
    });
  }

  send(frame) {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`${this.label}socket not open`);
    this.ws.send(JSON.stringify(frame));
  }
}

// One cookie jar serves both sides of the page: the social app's logins take
// turns, each holding the jar until its socket is open or its request answered.
let cookieQueue = Promise.resolve();
export function withCookieOf(login, use) {
  const turn = cookieQueue.then(async () => {
    await login();
    return use();
  });
  cookieQueue = turn.catch(() => {});
  return turn;
}

export function wsUrl(port, path) {
  return `ws://${location.hostname}:${port}${path}`;
}
