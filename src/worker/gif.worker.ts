// The GIF worker's entry: wires GifSession (gifSession.ts) to this thread. Loaded only when the
// reader asks for an animated GIF; the encoder (gifenc) comes with it, in this worker's own file.

import { GifSession } from './gifSession';
import { workerScope } from './scope';

const session = new GifSession((reply) => workerScope.postMessage(reply));

workerScope.addEventListener('message', (event) => session.receive(event.data));
workerScope.addEventListener('messageerror', () => workerScope.postMessage({ type: 'error', message: 'a frame from the page could not be read by the GIF worker' }));
