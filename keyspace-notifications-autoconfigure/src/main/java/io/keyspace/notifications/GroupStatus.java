package io.keyspace.notifications;

import java.time.Instant;
import java.util.List;

/**
 * Where one group stands, for health checks and dashboards: what this instance does for it,
 * and what waits in Redis for every instance of the group. Holds no key names and no
 * credentials: nodes are named by {@code host:port}, the group's streams only counted.
 * <p>
 * {@code pending} and {@code deadLettered} are read from Redis when the status is asked for;
 * when Redis does not answer they are {@link #UNKNOWN} and {@code error} says why. The other
 * fields are this instance's own and always known.
 *
 * @param group the group's name
 * @param handler the handler's name (its {@code toString()}: for {@code @OnKeyEvent}, its
 * {@code id} or {@code Bean#method})
 * @param paused whether this instance stopped handling the group's entries
 * ({@link NotificationGroups#pause}, or the listener container's {@code stop(id)}); it goes on
 * forwarding
 * @param sourcesLed the nodes ({@code host:port}) whose notifications this instance forwards
 * into the group's streams, as the holder of their sources' leases, sorted; empty while other
 * instances forward them
 * @param pending entries delivered to members of the group (on any instance) and not
 * acknowledged yet, over the group's streams: handler calls under way, and failed ones
 * waiting for their retry; {@link #UNKNOWN} if Redis did not answer
 * @param deadLettered entries in the group's dead-letter stream, whichever instance moved them
 * there (and until someone trims it); {@link #UNKNOWN} if Redis did not answer
 * @param lastForward when this instance last appended to one of the group's streams;
 * {@code null} if it never did
 * @param error why Redis did not answer: the failure's kind, and for a connection failure its
 * message; {@code null} when it answered
 */
public record GroupStatus(String group, String handler, boolean paused, List<String> sourcesLed, long pending,
		long deadLettered, Instant lastForward, String error) {

	/** {@code pending} and {@code deadLettered} when Redis did not answer. */
	public static final long UNKNOWN = -1;

	public GroupStatus {
		sourcesLed = List.copyOf(sourcesLed);
	}

}
