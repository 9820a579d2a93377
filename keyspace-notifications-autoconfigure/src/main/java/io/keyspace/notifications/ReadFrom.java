package io.keyspace.notifications;

/**
 * Which node of each shard (a cluster's primary with its replicas, or the one master of a
 * Sentinel or master/replica setup) notifications are read from. Each shard is read from
 * exactly one node at a time, so a change arrives once; only while that node's connection is
 * down do others stand in, and then a change written around the switch may arrive twice.
 * <p>
 * A replica applies its primary's writes and publishes their events, with one difference:
 * it never expires or evicts a key itself but applies the primary's {@code del}, so
 * {@code expired} and {@code evicted} events arrive as {@code del} from a replica. Read from
 * a replica to take the pub/sub load off a busy primary when those two events are not needed.
 * Ignored by {@link StandaloneKeyspaceNotifications}, which knows one server only.
 */
public enum ReadFrom {

	/** The primary; while its connection is down its replicas stand in (the default). */
	PRIMARY,

	/**
	 * One replica per shard; another replica when it goes away. A shard with no replica at
	 * all is read from its primary, with a WARN.
	 */
	REPLICA,

	/** One replica per shard, or the primary while no replica is reachable. */
	REPLICA_PREFERRED;

	/** Whether {@code expired} and {@code evicted} events can arrive: only from a primary. */
	public boolean deliversExpiries() {
		return this != REPLICA;
	}

}
