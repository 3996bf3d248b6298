// circles (seed 000): JWT in ?token=, frames {"type": …}. Two sockets per
// user: the DM thread (/ws/dms/2: messages, typing, presence, read receipts,
// reactions) and the user-wide one (/ws/user/<id>: notifications such as
// dm_message when the other participant writes).
import { api, Socket, wsUrl } from '../net.js';

const THREAD = 2;  // maya (8) and noah (6), accepted

export const meta = { title: 'circles', hint: `DM thread ${THREAD} + the user socket for notifications` };

export async function start(card, { me, port }) {
  const login = await api('POST', '/api/v1/circles/auth/login', { body: { username: me, password: 'password' } });
  const token = encodeURIComponent(login.access_token);
  const myId = Number(login.user.id);
  const names = new Map([[myId, me]]);
  const nameOf = (id) => names.get(Number(id)) ?? `user ${id}`;
  let lastOtherMessage = null;
  let gotInfo;
  const threadInfo = new Promise((resolve) => { gotInfo = resolve; });

  const dm = new Socket(wsUrl(port, `/ws/dms/${THREAD}?token=${token}`), card, (f) => {
    switch (f.type) {
      case 'connection_established':
        break;
      case 'thread_info':
        for (const p of f.participants) names.set(Number(p.id), p.name);
        for (const p of f.participants) if (Number(p.id) !== myId) card.presence(p.name, f.other_user_online);
        gotInfo();
        break;
      case 'presence':
        card.presence(nameOf(f.user_id), f.online);
        break;
      case 'message': {
        const m = f.message;
        const mine = Number(m.sender_id) === myId;
        if (!mine) lastOtherMessage = m.id;
        card.message(m.sender_info?.name ?? nameOf(m.sender_id), m.text, { mine, id: m.id });
        break;
      }
      case 'typing':
        if (Number(f.user_id) !== myId) card.typing(nameOf(f.user_id), f.typing);
        break;
      case 'read_receipt':
        card.log('read', `${nameOf(f.user_id)} read the thread (${f.last_read_at})`);
        break;
      case 'reaction':
        card.log('reaction', `${nameOf(f.user_id)} reacted ${f.reaction} to message ${f.message_id}`);
        break;
      case 'pong':
        card.log('extra', 'pong');
        break;
      case 'error':
        card.log('error', `${f.code}: ${f.message}`);
        break;
      default:
        // The gateway joins every socket to its user's room, so the user
        // socket's notices (dm_message, …) reach the DM socket too.
        card.log('system', `DM socket: ${f.type} (a user-socket notice)`);
    }
  }, 'DM: ');
  const user = new Socket(wsUrl(port, `/ws/user/${myId}?token=${token}`), card, (f) => {
    if (f.type === 'connection_established' || f.type === 'pong') return;
    const what = f.type.replace(/^dm_/, '');
    card.log('notification', `notification: ${what} in thread ${f.thread_id ?? '?'}${f.message_id ? `, message ${f.message_id}` : ''}`);
  }, 'user socket: ');
  await Promise.all([dm.opened, user.opened]);
  await threadInfo;

  card.onSend((text) => dm.send({ type: 'message', text }));  // stored, then sent to both
  card.onTyping((typing) => dm.send({ type: 'typing', typing }));
  card.extra('❤️ react to last', () => {
    if (lastOtherMessage === null) throw new Error('no message from the other side yet');
    dm.send({ type: 'reaction', message_id: lastOtherMessage, reaction: '❤️' });
  }, { name: 'react' });
  card.extra('mark read', () => dm.send({ type: 'mark_read' }), { name: 'read' });
}
