package io.keyspace.notifications;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import io.keyspace.notifications.internal.cluster.ClusterTopologyReader;

/**
 * Keyspace notifications from a Redis Cluster. Each node publishes events only for the keys
 * it owns and they never cross the cluster bus, so this reads every channel from every shard
 * (an exact key's too: a live slot migration then loses nothing), and follows failovers,
 * new primaries and slot moves. The topology is read
 * with {@code CLUSTER SHARDS} (or {@code CLUSTER SLOTS}) from the known nodes, then the
 * seeds. How shards are read and followed: {@link ShardedKeyspaceNotifications}.
 */
public final class ClusterKeyspaceNotifications extends ShardedKeyspaceNotifications {

	private final List<RedisNode> seeds;

	private final Function<List<RedisNode>, ClusterTopology> topologySource;

	/**
	 * @param seeds nodes to read the topology from first; any node of the cluster will do
	 * @param settings how node connections are made (also the backoff of failed refreshes)
	 * @param options how notifications are filtered and dispatched, and which node of a shard is read
	 * @param refreshInterval how often the topology is re-read
	 */
	public ClusterKeyspaceNotifications(List<RedisNode> seeds, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval) {
		this(seeds, settings, options, refreshInterval, new ClusterTopologyReader(settings)::read);
	}

	/** With another topology source, for tests that simulate an unreachable or changing cluster. */
	ClusterKeyspaceNotifications(List<RedisNode> seeds, ConnectionSettings settings, NotificationOptions options,
			Duration refreshInterval, Function<List<RedisNode>, ClusterTopology> topologySource) {
		super(settings, options, refreshInterval, false);
		if (seeds.isEmpty()) {
			throw new IllegalArgumentException("At least one cluster seed node is needed");
		}
		this.seeds = List.copyOf(seeds);
		this.topologySource = topologySource;
	}

	public List<RedisNode> seeds() {
		return this.seeds;
	}

	/**
	 * The lowest hash slot of the shard a node belongs to (as primary or replica) in the
	 * topology read last: a name for the shard that survives failovers, and a slot whose keys
	 * live next to the shard's events. Empty for a node the topology does not know.
	 */
	public OptionalInt shardSlot(RedisNode node) {
		ClusterTopology topology = currentTopology();
		return (topology != null) ? topology.firstSlotOfShard(node) : OptionalInt.empty();
	}

	@Override
	protected void validate(NotificationChannel channel) {
		if (channel.db() != 0) {
			throw new IllegalArgumentException("Redis Cluster has only database 0, but channel '" + channel
					+ "' uses database " + channel.db() + "; use db 0");
		}
	}

	/** Asks the known primaries first, then their replicas, then the seeds. */
	@Override
	protected ClusterTopology readTopology(ClusterTopology known) {
		if (known == null) {
			return this.topologySource.apply(this.seeds);
		}
		Set<RedisNode> candidates = new LinkedHashSet<>(known.primaries());
		candidates.addAll(known.replicas());
		candidates.addAll(this.seeds);
		return this.topologySource.apply(List.copyOf(candidates));
	}

	@Override
	public String toString() {
		return "ClusterKeyspaceNotifications" + this.seeds;
	}

}
