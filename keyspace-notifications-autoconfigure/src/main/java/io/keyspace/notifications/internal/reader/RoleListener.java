package io.keyspace.notifications.internal.reader;

import io.keyspace.notifications.RedisNode;

/**
 * Told a node's {@code INFO replication} on each new connection, before anything is
 * subscribed on it: what a replica read ahead of a promotion needs, because a promotion by
 * Sentinel closes the replica's pub/sub connections. Called on the node's reader thread.
 */
@FunctionalInterface
public interface RoleListener {

	/**
	 * @param replicationInfo the text of {@code INFO replication}; not called when the server
	 * refused it (then the role is known only from the periodic checks)
	 */
	void onReplicationInfo(RedisNode node, String replicationInfo);

}
