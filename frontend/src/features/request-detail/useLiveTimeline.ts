/**
 * The request's timeline, live: the loaded events joined with those `requestTimeline`
 * delivers. The subscription resumes after the newest loaded event, so nothing committed
 * between loading and subscribing is missed; on reconnect graphql-ws subscribes again with the
 * same `after` and the replayed events are de-duplicated (see mergeEvents).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, type CombinedError } from 'urql';

import type { TimelineEventItemFragment } from '../../gql/graphql';
import { RequestTimelineSubscription } from './operations';
import { changesRequest, lastEventId, mergeEvents } from './timeline';

export type TimelineEvent = TimelineEventItemFragment;

export interface LiveTimeline {
  events: TimelineEvent[];
  /** The stream ended with an error (e.g. the viewer may no longer see the request). */
  error: CombinedError | null;
  /** IDs of events that arrived live (for a highlight and an announcement). */
  arrived: string[];
}

export function useLiveTimeline(
  requestId: string,
  loaded: TimelineEvent[] | undefined,
  onRequestChanged: () => void,
): LiveTimeline {
  const client = useClient();
  const [live, setLive] = useState<TimelineEvent[]>([]);
  const [error, setError] = useState<CombinedError | null>(null);
  // Where to resume: fixed once per request (a re-fetch must not restart the stream).
  const [after, setAfter] = useState<{ requestId: string; after: string | null } | null>(null);
  const changed = useRef(onRequestChanged);
  changed.current = onRequestChanged;

  useEffect(() => {
    if (loaded && after?.requestId !== requestId) {
      setAfter({ requestId, after: lastEventId(loaded) });
      setLive([]);
      setError(null);
    }
  }, [loaded, after, requestId]);

  useEffect(() => {
    if (!after || after.requestId !== requestId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { unsubscribe } = client
      .subscription(RequestTimelineSubscription, { requestId, after: after.after })
      .subscribe((result) => {
        if (result.error) {
          setError(result.error);
          return;
        }
        const event = result.data?.requestTimeline;
        if (!event) return;
        setLive((current) => mergeEvents(current, [event]));
        if (changesRequest(event.__typename)) {
          // Bursts (a share adding several people) re-read the request once.
          clearTimeout(timer);
          timer = setTimeout(() => changed.current(), 150);
        }
      });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [client, requestId, after]);

  const events = useMemo(() => mergeEvents(loaded ?? [], live), [loaded, live]);
  const arrived = useMemo(() => live.map((event) => event.id), [live]);
  return { events, error, arrived };
}
