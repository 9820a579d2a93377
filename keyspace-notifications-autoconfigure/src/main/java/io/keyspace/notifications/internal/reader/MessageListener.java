package io.keyspace.notifications.internal.reader;

/** Receives every message read from a node, on that node's reader thread. */
@FunctionalInterface
public interface MessageListener {

	/**
	 * @param node {@code host:port} of the node
	 * @param pattern the matching pattern for a PSUBSCRIBE message, else {@code null}
	 * @param channel the channel the message was published on
	 * @param message the payload
	 */
	void onMessage(String node, byte[] pattern, byte[] channel, byte[] message);

	/**
	 * Called when no further message is buffered, right before the reader may block:
	 * the moment to hand over what was collected.
	 */
	default void endOfBurst() {
	}

}
