package io.keyspace.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One interruption of delivery: between {@link #start()} and {@link #end()} notifications
 * published on {@link #channels()} by {@link #node()} may have been missed. An application
 * that keeps state derived from notifications (a cache, a projection) should resynchronize
 * what these channels cover. Reported once, after delivery has resumed.
 *
 * @param node {@code host:port} of the node whose notifications may be missing
 * @param cause why
 * @param start when notifications could first have been missed
 * @param end when delivery was confirmed again (subscriptions confirmed, or drops stopped)
 * @param channels the channel names (and patterns) affected
 * @param dropped notifications known to be lost (counted drops), 0 when unknown
 */
public record NotificationGap(String node, GapCause cause, Instant start, Instant end, Set<String> channels,
		long dropped) {

	public NotificationGap {
		channels = Set.copyOf(channels);
	}

	/** How long delivery was interrupted. */
	public Duration duration() {
		return Duration.between(this.start, this.end);
	}

	/** Names the node, cause, window and count; channel names can hold keys, so only their number. */
	@Override
	public String toString() {
		return "NotificationGap[node=" + this.node + ", cause=" + this.cause + ", start=" + this.start + ", end="
				+ this.end + ", channels=" + this.channels.size() + ", dropped=" + this.dropped + "]";
	}

}
