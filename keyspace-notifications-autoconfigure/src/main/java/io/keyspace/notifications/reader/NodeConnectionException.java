package io.keyspace.notifications.reader;

import io.keyspace.notifications.KeyspaceNotificationsException;

/**
 * A Redis node could not be reached, rejected the login, or did not answer in time. The
 * message names the node so that a wrong host, port or password is easy to spot.
 */
public class NodeConnectionException extends KeyspaceNotificationsException {

	private final RedisNode node;

	public NodeConnectionException(RedisNode node, Throwable cause) {
		super(message(node, cause.getMessage(), "Check that the server is running and that host, port, username, "
				+ "password and TLS (spring.data.redis.*) match it"), cause);
		this.node = node;
	}

	/** The node answered, but refused: {@code problem} says what, {@code fix} how to mend it. */
	public NodeConnectionException(RedisNode node, String problem, String fix) {
		super(message(node, problem, fix));
		this.node = node;
	}

	private static String message(RedisNode node, String problem, String fix) {
		return "Cannot subscribe to keyspace notifications on Redis at " + node + ": " + problem + ". " + fix + ".";
	}

	public RedisNode node() {
		return this.node;
	}

}
