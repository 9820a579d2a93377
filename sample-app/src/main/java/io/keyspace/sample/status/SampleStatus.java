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
 * @param problems why notifications may not arrive, as sentences; empty when all is well
 */
record SampleStatus(RedisAddress redis, boolean subscribed, List<NodeState> nodes, Counts counts, List<Gap> gaps,
		List<String> problems) {

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

}
