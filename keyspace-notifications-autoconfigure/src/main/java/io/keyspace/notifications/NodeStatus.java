package io.keyspace.notifications;

import java.time.Instant;

/**
 * One node reader's state, for health checks and dashboards. Holds no key names and no
 * credentials.
 *
 * @param node {@code host:port}
 * @param state whether the node is delivering
 * @param channels channels and patterns wanted on the node
 * @param lastRead when the reader last read anything from the node (a notification, a
 * confirmation or a PING reply); {@code null} if never
 * @param received messages read from the node on its subscriptions
 * @param reconnects connections restored after an outage
 * @param gaps interruptions of delivery reported for the node
 * @param missingFlags the {@code notify-keyspace-events} flags the subscriptions need that the
 * node's server lacked at its last check ({@link ServerConfigMode}), so notifications that need
 * them are not published; empty when none were missing, or when the server is not checked
 * ({@link ServerConfigMode#NONE}, {@code CONFIG} refused)
 */
public record NodeStatus(String node, State state, int channels, Instant lastRead, long received, long reconnects,
		long gaps, String missingFlags) {

	/** Where a node reader stands. */
	public enum State {

		/** Not connected yet: the first connection is being made or retried. */
		CONNECTING,

		/** Connected; some subscriptions are not confirmed by the server yet. */
		SUBSCRIBING,

		/** Connected and every wanted subscription confirmed: delivering. */
		SUBSCRIBED,

		/** The connection was lost; reconnecting with backoff. */
		DISCONNECTED

	}

}
