package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.replication.RoleTopologyReader;

/**
 * Keyspace notifications from a master/replica setup without Sentinel: the master is the
 * listed node whose {@code ROLE} says so, its replicas the listed nodes that replicate it.
 * A promotion is found by asking again on a timer, and at once while the connection of the
 * node read is down; the master that was replaced is reported as a
 * {@link GapCause#FAILOVER} gap. How the shard is read and followed:
 * {@link ShardedKeyspaceNotifications}.
 */
public final class MasterReplicaKeyspaceNotifications extends ShardedKeyspaceNotifications {

	private final List<RedisNode> nodes;

	private final RoleTopologyReader topologyReader;

	/**
	 * @param nodes the master and its replicas, in any order
	 * @param settings how node connections are made
	 * @param options how notifications are filtered and dispatched, and whether a replica is read
	 * @param refreshInterval how often the nodes are asked for their role
	 */
	public MasterReplicaKeyspaceNotifications(List<RedisNode> nodes, ConnectionSettings settings,
			NotificationOptions options, Duration refreshInterval) {
		super(settings, options, refreshInterval, true);
		if (nodes.isEmpty()) {
			throw new IllegalArgumentException("At least one node is needed");
		}
		this.nodes = List.copyOf(nodes);
		this.topologyReader = new RoleTopologyReader(this.nodes, settings);
	}

	public List<RedisNode> configuredNodes() {
		return this.nodes;
	}

	/** The master found last; empty before the first subscription asked the nodes. */
	public Optional<RedisNode> master() {
		return firstPrimary();
	}

	@Override
	protected ClusterTopology readTopology(ClusterTopology known) {
		return this.topologyReader.read();
	}

	@Override
	public String toString() {
		return "MasterReplicaKeyspaceNotifications" + this.nodes;
	}

}
