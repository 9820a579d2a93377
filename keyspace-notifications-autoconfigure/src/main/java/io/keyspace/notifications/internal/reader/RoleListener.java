package io.keyspace.notifications.internal.reader;

import io.keyspace.notifications.RedisNode;

/**
 * Told the role of a node on each new connection, before anything is subscribed on it: what
 * a replica read ahead of a promotion needs, because a promotion by Sentinel closes the
 * replica's pub/sub connections. Called on the node's reader thread.
 */
@FunctionalInterface
public interface RoleListener {

	/**
	 * @param master whether {@code ROLE} answered {@code master}; not called when the server
	 * refused {@code ROLE} (then the role is known only from the topology)
	 */
	void onRole(RedisNode node, boolean master);

}
