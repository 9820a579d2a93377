package io.keyspace.sample.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /api/status}.
 *
 * @param redis the Redis the application uses
 * @param subscribed whether every node that should deliver has its subscriptions confirmed
 * @param nodes the nodes the library reads from
 * @param counts the library's counters since startup
 * @param gaps the last interruptions of delivery, newest first
 * @param resync the resync passes of {@code @OnKeyEvent(resync = true)} handlers (the cache's)
 * @param problems why notifications may not arrive, as sentences; empty when all is well
 */
record SampleStatus(RedisAddress redis, boolean subscribed, List<NodeState> nodes, Counts counts, List<Gap> gaps,
		Resync resync, List<String> problems) {

	/**
	 * @param address {@code host:port}
	 * @param subscribed whether its channels are confirmed by the server
	 * @param channels how many channels and patterns the server confirmed
	 */
	record NodeState(String address, boolean subscribed, int channels) {
	}

	/**
	 * The library's {@code NotificationMetrics}.
	 *
	 * @param received messages read from Redis
	 * @param delivered handed to every handler that wanted them
	 * @param filtered skipped before queueing: no handler wanted them
	 * @param malformed not a valid notification
	 * @param dropped lost, by reason ({@code overflow}, {@code shutdown}, {@code pull-overflow})
	 * @param inFlight received, not handled yet
	 * @param handlerErrors handler calls that threw
	 * @param disconnects node connections lost
	 */
	record Counts(long received, long delivered, long filtered, long malformed, Map<String, Long> dropped,
			long inFlight, long handlerErrors, long disconnects) {
	}

	/**
	 * One {@code NotificationGap}; channel names are left out (they can hold key names).
	 *
	 * @param node {@code host:port}
	 * @param cause the {@code GapCause}
	 * @param start when notifications could first have been missed
	 * @param end when delivery was confirmed again
	 * @param channels how many channels were affected
	 * @param dropped notifications known to be lost, 0 when unknown
	 */
	record Gap(String node, String cause, Instant start, Instant end, int channels, long dropped) {
	}

	/**
	 * The library's {@code ResyncMetrics} and the last pass.
	 *
	 * @param completed passes that completed
	 * @param restarted passes begun again (a new gap on their node came first)
	 * @param failed passes that failed (the node could not be scanned) and were retried
	 * @param keys resync calls handled, over all passes
	 * @param running passes running or waiting to run
	 * @param last the last pass reported by a {@code KeyspaceResyncEvent}; {@code null} before any
	 */
	record Resync(long completed, long restarted, long failed, long keys, int running, ResyncPass last) {
	}

	/**
	 * One {@code KeyspaceResyncEvent}.
	 *
	 * @param handler the handler's id
	 * @param node {@code host:port} scanned
	 * @param phase {@code STARTED} or {@code COMPLETED}
	 * @param keys resync calls handled by then (all of the pass's when completed)
	 * @param at when the event was published
	 * @param cause the {@code GapCause} that made the pass necessary; {@code null} for the pass
	 * when the handler started
	 */
	record ResyncPass(String handler, String node, String phase, long keys, Instant at, String cause) {
	}

}
