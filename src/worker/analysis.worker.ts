// The analysis worker's entry: wires AnalysisSession (analysisSession.ts) to this thread.

import { AnalysisSession } from './analysisSession';
import { workerScope } from './scope';

const session = new AnalysisSession((event) => workerScope.postMessage(event));
workerScope.addEventListener('message', (event) => session.receive(event.data));
workerScope.addEventListener('messageerror', () => undefined);
