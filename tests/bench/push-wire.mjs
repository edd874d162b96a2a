// What a phone's live socket costs on the wire during a campus fair: the
// bench's sockets (tungstenite) do not negotiate compression, but every
// browser offers permessage-deflate and the runtime takes it. Against a
// running server (BASE, e.g. `make dev`): 200 participants on the fair's
// grid (7 days × 09:00–18:00 in 15-minute slots), 1,500 random updates,
// 20 at a time, while one socket listens plain and one with
// permessage-deflate; prints the pushes, their text bytes and what each
// socket read off the network.
//   BASE=http://127.0.0.1:8787 node tests/bench/push-wire.mjs
import WebSocket from 'ws';

const base = process.env.BASE ?? 'http://127.0.0.1:8787';
const j = async (method, path, body, headers = {}) => {
  const r = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: body && JSON.stringify(body) });
  const t = await r.text(); return t ? JSON.parse(t) : null;
};
const day = (n) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const appt = await j('POST', '/api/appointments', { title: 'fair', timezone: 'Asia/Seoul', dates: [1,2,3,4,5,6,7].map(day), start: '09:00', end: '18:00', slot_minutes: 15 });
const people = [];
for (let i = 0; i < 200; i++) people.push(await j('POST', `/api/appointments/${appt.id}/participants`, { name: `p${i}` }, { 'CF-Connecting-IP': `10.0.${i >> 6}.${i}` } /* one address would hit the join limit */));
const open = (deflate) => new Promise((res) => {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/appointments/${appt.id}/live`, { perMessageDeflate: deflate });
  const s = { ws, text: 0, n: 0 };
  ws.on('message', (d) => { s.text += d.length; s.n++; });
  ws.on('open', () => res(s));
});
const plain = await open(false);
const deflated = await open(true);
const start0 = [plain.ws._socket.bytesRead, deflated.ws._socket.bytesRead];
let seed = 1; const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
let k = 0;
const worker = async () => {
  while (k < 1500) {
    const who = people[k++ % 200];
    const a = rnd(200); const len = 1 + rnd(50);
    await j('PATCH', `/api/appointments/${appt.id}/participants/${who.participant.id}/availability`,
      { changes: [{ level: ['available', 'if_needed', 'none'][rnd(3)], slots: [[a, a + len]] }] }, { Authorization: `Bearer ${who.token}` });
  }
};
await Promise.all(Array.from({ length: 20 }, worker));
await new Promise((r) => setTimeout(r, 1500));
console.log(JSON.stringify({
  negotiated: deflated.ws.extensions,
  pushes: plain.n, text_bytes: plain.text,
  wire_plain: plain.ws._socket.bytesRead - start0[0],
  wire_deflate: deflated.ws._socket.bytesRead - start0[1],
}));
process.exit(0);
