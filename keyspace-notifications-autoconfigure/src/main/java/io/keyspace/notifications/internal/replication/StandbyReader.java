package io.keyspace.notifications.internal.replication;

import io.keyspace.notifications.internal.reader.NodeSubscriber;

/**
 * A replica subscribed ahead of a promotion: its reader, and the gate that holds what it reads
 * until the node is the master.
 */
public record StandbyReader(NodeSubscriber subscriber, StandbyGate gate) {

	/** At most this many notifications held between two role checks (a refresh interval). */
	public static final int CAPACITY = 65_536;

}
