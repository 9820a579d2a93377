package io.keyspace.notifications.internal.reader;

import java.time.Instant;

import io.keyspace.notifications.RedisNode;

/**
 * The one path by which a node reader says whether its node is delivering: connected,
 * lost, and all wanted subscriptions confirmed. Called on the reader thread, never with a
 * lock of the reader held; an implementation must return quickly (schedule work, count,
 * log) and must not throw.
 */
public interface NodeListener {

	NodeListener NONE = new NodeListener() {
	};

	/**
	 * A connection to the node is open and the wanted subscriptions have been sent on it (or
	 * are being sent by another thread that was writing to the node at that moment).
	 * @param reconnect {@code false} for the first connection, {@code true} after an outage
	 */
	default void onConnected(RedisNode node, boolean reconnect) {
	}

	/**
	 * The node stopped delivering: a live connection broke, or the first connection attempt
	 * failed. Called once per outage, not for every failed reconnect attempt.
	 * @param wasConnected whether a live connection broke (delivery was interrupted), rather
	 * than the first connection failing (nothing was delivered yet)
	 * @param lastHeard when the broken connection last delivered (the end of its last read, or
	 * its opening): what the server published after that may never have been sent, e.g. by a
	 * process killed between acknowledging a write and writing out its event
	 */
	default void onDisconnected(RedisNode node, Exception cause, boolean wasConnected, Instant lastHeard) {
	}

	/** Every wanted subscription is confirmed by the server on the current connection; once per connection. */
	default void onSubscriptionsConfirmed(RedisNode node) {
	}

}
