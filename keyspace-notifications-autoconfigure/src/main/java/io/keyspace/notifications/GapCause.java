package io.keyspace.notifications;

/** Why delivery from a node was interrupted; see {@link NotificationGap}. */
public enum GapCause {

	/** The node's connection was lost and later restored (restart, network, {@code CLIENT KILL}, output-buffer limit). */
	DISCONNECTED,

	/** A cluster primary was replaced by one of its replicas. */
	FAILOVER,

	/** A cluster node that was delivering left the cluster (or lost its slots) while it was unreachable. */
	NODE_REMOVED,

	/** Slots moved to another primary before their exact-key channels followed them. */
	SLOT_MOVED,

	/** Notifications were dropped because handlers fell behind (the overflow policy). */
	OVERFLOW,

	/**
	 * No application instance copied the node's notifications into a group's stream for a
	 * while (every instance was down), so the group's handler missed that window.
	 */
	NO_FORWARDER,

	/**
	 * Redis lost a group's stream or its consumer group (a restart without persistence, a
	 * failover to a replica that had not received it, a deletion or an eviction), and with it
	 * the entries the group had not handled yet. The library recreated them; handling goes on.
	 */
	STREAM_LOST

}
