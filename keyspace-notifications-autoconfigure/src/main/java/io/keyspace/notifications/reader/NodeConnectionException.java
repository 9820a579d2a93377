package io.keyspace.notifications.reader;

import io.keyspace.notifications.KeyspaceNotificationsException;

/**
 * A Redis node could not be reached, rejected the login, or did not answer in time. The
 * message names the node so that a wrong host, port or password is easy to spot.
 */
public class NodeConnectionException extends KeyspaceNotificationsException {

	private final RedisNode node;

	public NodeConnectionException(RedisNode node, Throwable cause) {
		super("Cannot subscribe to keyspace notifications on Redis at " + node + ": " + cause.getMessage()
				+ ". Check that the server is running and that host, port, username, password and TLS "
				+ "(spring.data.redis.*) match it.", cause);
		this.node = node;
	}

	public RedisNode node() {
		return this.node;
	}

}
