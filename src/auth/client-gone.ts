import type { ServerResponse } from 'node:http';
import { ProblemException } from '../common/problem';

/**
 * The client closed the connection before its answer was ready. Nobody receives this response; the status
 * (nginx's 499) only keeps the request log honest and keeps it out of the server-error logs.
 */
export class ClientGoneError extends ProblemException {
  constructor() {
    super(499, 'client-closed-request', 'Client closed request', 'The client closed the connection before the answer was ready.');
  }
}

/**
 * An AbortSignal that fires when the client goes away before the response is sent (not when it is sent):
 * lets costly work that nobody will see — a queued password hash — be skipped. A login flood whose
 * clients time out would otherwise keep the hashing queue busy for minutes after they left.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const gone = () => !res.writableFinished && (res.destroyed || !!res.socket?.destroyed);
  if (gone()) controller.abort();
  else
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
  return controller.signal;
}
